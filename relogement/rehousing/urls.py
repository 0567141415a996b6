from django.urls import path

from relogement.rehousing import views

app_name = "rehousing"
urlpatterns = [
    path("<int:pk>/", views.rehousing_detail, name="detail"),
    path("<int:pk>/modifier/", views.rehousing_edit, name="edit"),
    path("menage/<int:household_pk>/nouveau/", views.rehousing_record, name="record"),
]
