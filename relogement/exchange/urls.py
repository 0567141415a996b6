from django.urls import path

from relogement.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.home, name="home"),
    path("import/", views.import_file, name="import"),
    path("import/<int:pk>/", views.job_detail, name="job"),
    path("import/<int:pk>/progression/", views.job_progress, name="job_progress"),
    path("export/", views.export_file, name="export"),
]
