from django.urls import path

from . import cabinet_views, views

app_name = "patients"
urlpatterns = [
    # Registry, for staff
    path("", views.search, name="search"),
    path("new/", views.patient_create, name="create"),
    path("reattach/", views.patients_reattach, name="reattach"),
    path("<uuid:uuid>/", views.patient_detail, name="detail"),
    path("<uuid:uuid>/edit/", views.patient_edit, name="edit"),
    path("<uuid:uuid>/representatives/new/", views.representative_add, name="representative_add"),
    path("<uuid:uuid>/merge/", views.patient_merge, name="merge"),
    path("<uuid:uuid>/card.pdf", views.registration_card, name="card"),
    path("<uuid:uuid>/invite/", views.patient_invite, name="invite"),
    path("<uuid:uuid>/consent/check/", views.consent_check, name="consent_check"),
    # The personal cabinet
    path("cabinet/", cabinet_views.cabinet, name="cabinet"),
    path("cabinet/profile/", cabinet_views.cabinet_profile, name="cabinet_profile"),
    path("cabinet/consents/", cabinet_views.cabinet_consents, name="cabinet_consents"),
    path("cabinet/switch/", cabinet_views.cabinet_switch_view, name="cabinet_switch"),
    path("sign-up/", cabinet_views.sign_up, name="sign_up"),
    path("sign-up/code/", cabinet_views.sign_up_verify, name="sign_up_verify"),
]
