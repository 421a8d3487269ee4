from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("patients/<uuid:patient_uuid>/", views.patient_monitoring, name="patient_monitoring"),
    path("patients/<uuid:patient_uuid>/plans/", views.plan_start, name="plan_start"),
    path("patients/<uuid:patient_uuid>/readings/", views.reading_add, name="reading_add"),
    path("plans/<uuid:uuid>/end/", views.plan_end, name="plan_end"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<uuid:uuid>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("cabinet/", views.my_readings, name="my_readings"),
]
