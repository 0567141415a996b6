from django.urls import path

from relogement.duplicates import views

app_name = "duplicates"
urlpatterns = [
    path("", views.pair_list, name="pairs"),
    path("<int:pk>/<int:other_pk>/", views.pair_decide, name="decide"),
    path("decisions/<int:pk>/annuler/", views.decision_undo, name="undo"),
]
