from django.urls import path

from relogement.rehousing import views

app_name = "rehousing"
urlpatterns = [
    path("<int:pk>/", views.rehousing_detail, name="detail"),
    path("<int:pk>/modifier/", views.rehousing_edit, name="edit"),
]
