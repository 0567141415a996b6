from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "relogement.households"
    verbose_name = "Ménages"
    label = "households"

    def ready(self):
        from django.db.backends.signals import connection_created

        from relogement.households.search import register_sqlite_function

        # The name search's folding function (households.search), on every new SQLite connection.
        connection_created.connect(register_sqlite_function, dispatch_uid="relogement_fold")
