from django.urls import path

from . import views

app_name = "telemed"
urlpatterns = [
    path("patients/<uuid:patient_uuid>/", views.patient_telemed, name="patient_telemed"),
    path("patients/<uuid:patient_uuid>/sessions/new/", views.session_schedule, name="session_schedule"),
    path("patients/<uuid:patient_uuid>/messages/new/", views.message_send, name="message_send"),
    path("sessions/", views.my_sessions, name="my_sessions"),
    path("sessions/<uuid:uuid>/", views.session, name="session"),
    path("sessions/<uuid:uuid>/transition/", views.session_transition, name="session_transition"),
    path("cabinet/sessions/", views.my_remote_sessions, name="my_remote_sessions"),
    path("cabinet/messages/", views.my_messages, name="my_messages"),
    path("cabinet/messages/<uuid:uuid>/", views.my_message, name="my_message"),
]
