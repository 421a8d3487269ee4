"""Every app's API routes under /api/v1/; an app adds its own `api_urls` module here."""

from django.urls import path

from . import api

app_name = "api"
urlpatterns = [
    path("me", api.me, name="me"),
]
