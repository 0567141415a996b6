from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "relogement.accounts"
    label = "accounts"
