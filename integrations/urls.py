from django.urls import path

from . import views

app_name = "integrations"
urlpatterns = [
    path("outbox/", views.outbox_list, name="outbox_list"),
]
