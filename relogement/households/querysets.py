from django.db import models

from relogement.permissions import scopes


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scopes.household_filter(user))


class HouseholdChildQuerySet(models.QuerySet):
    """Rows that belong to one household (members, log entries, proposals…)."""

    def visible_to(self, user):
        return self.filter(scopes.household_filter(user, field="household_id"))
