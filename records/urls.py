from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("patients/<uuid:patient_uuid>/documents/", views.patient_documents, name="patient_documents"),
    path("documents/<uuid:uuid>/download/", views.document_download, name="document_download"),
    path("cabinet/documents/", views.my_documents, name="my_documents"),
    path("cabinet/documents/<uuid:uuid>/download/", views.my_document_download, name="my_document_download"),
]
