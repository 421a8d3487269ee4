from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("staff/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("patients/", include("patients.urls")),
    path("scheduling/", include("scheduling.urls")),
    path("telemed/", include("telemed.urls")),
    path("records/", include("records.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("pharmacy/", include("pharmacy.urls")),
    path("classifiers/", include("classifiers.urls")),
    path("integrations/", include("integrations.urls")),
    path("api/v1/", include("mis.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("django-admin/", admin.site.urls),
]

if settings.DJANGO_ENV != "production":
    urlpatterns.append(path("__bench__/trivial", views.healthz, name="bench_trivial"))
