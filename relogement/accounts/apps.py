from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "relogement.accounts"
    label = "accounts"

    def ready(self):
        # Connects the login signal that starts the session clock (idle and absolute timeouts).
        from relogement.accounts import session_timeout  # noqa: F401
