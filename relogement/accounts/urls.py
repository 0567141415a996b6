from django.contrib.auth import views as auth_views
from django.urls import path

from relogement.accounts import security_views, two_factor_views, views

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("connexion/verification/", two_factor_views.verify, name="two_factor_verify"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisation/", views.switch_organisation, name="switch_organisation"),
    path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("double-authentification/", two_factor_views.overview, name="two_factor"),
    path("double-authentification/activer/", two_factor_views.enrol, name="two_factor_enrol"),
    path("double-authentification/code-qr.svg", two_factor_views.qr_code, name="two_factor_qr"),
    path(
        "double-authentification/codes-de-secours/",
        two_factor_views.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("securite/journal/", security_views.security_log, name="security_log"),
    path("securite/journal/export.csv", security_views.security_log_export, name="security_log_export"),
    path("securite/comptes/", security_views.security_accounts, name="security_accounts"),
    path("securite/comptes/debloquer/", security_views.unlock_account, name="security_unlock_account"),
    path("securite/adresses/debloquer/", security_views.unlock_address, name="security_unlock_address"),
    path(
        "securite/comptes/<int:pk>/double-authentification/",
        security_views.reset_two_factor,
        name="security_reset_two_factor",
    ),
]
