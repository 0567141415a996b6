from django.urls import path

from relogement.projects import building_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("projets/", views.project_list, name="project_list"),
    path("projets/<int:pk>/", views.project_detail, name="project_detail"),
    path("projets/<int:pk>/batiments/ajouter/", building_views.building_add, name="building_create"),
    path("batiments/", views.building_list, name="building_list"),
    path("batiments/<int:pk>/", views.building_detail, name="building_detail"),
]
