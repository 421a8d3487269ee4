from django.urls import path

from . import views

app_name = "scheduling"
urlpatterns = [
    path("", views.day, name="day"),
    path("week/", views.week, name="week"),
    path("schedules/", views.schedules, name="schedules"),
    path("schedules/new/", views.schedule_edit, name="schedule_new"),
    path("schedules/<uuid:uuid>/", views.schedule_edit, name="schedule_edit"),
    path("schedules/<uuid:uuid>/exceptions/", views.schedule_exception_add, name="schedule_exception_add"),
    path(
        "schedules/<uuid:uuid>/exceptions/<int:exception_id>/remove/",
        views.schedule_exception_remove,
        name="schedule_exception_remove",
    ),
    path("slots/<uuid:slot_uuid>/book/", views.book, name="book"),
    path("appointments/<uuid:uuid>/", views.appointment, name="appointment"),
    path("appointments/<uuid:uuid>/move/", views.appointment_move, name="appointment_move"),
    path("appointments/<uuid:uuid>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path("appointments/<uuid:uuid>/visit/", views.visit_open, name="visit_open"),
    path("patients/<uuid:patient_uuid>/emergency-visit/", views.emergency_visit, name="emergency_visit"),
    path("cabinet/appointments/", views.my_appointments, name="my_appointments"),
    path("cabinet/book/", views.cabinet_book, name="cabinet_book"),
    path("notifications/", views.notifications, name="notifications"),
]
