from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "relogement.accounts"
    verbose_name = "Comptes et organisations"
    label = "accounts"

    def ready(self):
        # Connect their signal receivers: the session clock (idle and absolute timeouts), the security
        # log, the two-factor status of a new session.
        from relogement.accounts import security_log, session_timeout, two_factor  # noqa: F401
