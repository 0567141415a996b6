from django.urls import path

from relogement.dataprotection import views

app_name = "dataprotection"
urlpatterns = [
    path("", views.home, name="home"),
    path("menages/<int:pk>/", views.household, name="household"),
    path("menages/<int:pk>/acces.pdf", views.access_pdf, name="access_pdf"),
    path("menages/<int:pk>/acces.zip", views.access_archive, name="access_archive"),
    path("menages/<int:pk>/effacement/", views.erase, name="erase"),
    path("menages/<int:pk>/notice.pdf", views.notice, name="notice"),
    path("registre/", views.register, name="register"),
    path("modifications/", views.changes, name="changes"),
    path("modifications.csv", views.changes_csv, name="changes_csv"),
    path("responsable/", views.controller, name="controller"),
]
