from django.urls import path

from relogement.grievances import views

app_name = "grievances"
urlpatterns = [
    path("", views.grievance_list, name="list"),
    path("menage/<int:pk>/nouvelle/", views.grievance_create, name="create"),
    path("<int:pk>/", views.grievance_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.grievance_action, name="action"),
]
