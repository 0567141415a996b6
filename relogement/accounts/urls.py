from django.contrib.auth import views as auth_views
from django.urls import path

from relogement.accounts import views

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisation/", views.switch_organisation, name="switch_organisation"),
    path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
]
