app_name = "classifiers"
urlpatterns: list = []
