from django.urls import path

from relogement.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.home, name="home"),
    path("import/", views.import_file, name="import"),
    path("import/<int:pk>/", views.job_detail, name="job"),
    path("import/<int:pk>/progression/", views.job_progress, name="job_progress"),
    path("export/", views.export_file, name="export"),
    path("export/<int:pk>/", views.export_job, name="export_job"),
    path("export/<int:pk>/progression/", views.export_job_progress, name="export_job_progress"),
    path("export/<int:pk>/fichier/", views.export_download, name="export_download"),
]
