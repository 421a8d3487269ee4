from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("journal/", views.journal, name="journal"),
    path("journal/export.<str:file_format>", views.journal_export, name="journal_export"),
    path("my-access-log/", views.my_access_log, name="my_access_log"),
]
