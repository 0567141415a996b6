from django.urls import path

from relogement.documents import views

app_name = "documents"
urlpatterns = [
    path("<int:pk>/documents/", views.document_section, name="section"),
    path("<int:pk>/documents/ajouter/", views.document_upload, name="upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="download"),
    path("<int:pk>/documents/<int:document_pk>/supprimer/", views.document_delete_view, name="delete"),
]
