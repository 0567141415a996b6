from django.db import models

from relogement.permissions import scopes


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scopes.project_filter(user))


class BuildingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scopes.building_filter(user))
