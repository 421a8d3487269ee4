app_name = "telemed"
urlpatterns: list = []
