from django.urls import path

from relogement.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("batiments/", views.buildings, name="buildings"),
    path("perimetres/", views.perimeter_search, name="perimeter_search"),
    path("menages/", views.drilldown, name="drilldown"),
    path("carte/", views.map_view, name="map"),
    path("export/", views.export, name="export"),
    path("projets/<int:pk>/rapport.pdf", views.project_report, name="project_report"),
]
