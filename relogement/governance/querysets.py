"""Scopes of governance sessions: who sees a committee or a CALEOL session at all (else 404)."""

from django.apps import apps
from django.db import models
from django.db.models import Q

from relogement.accounts.models import OrganisationKind
from relogement.permissions import scopes


class CommitteeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A committee is seen by its organiser and the organisations invited to it, nobody else (the
        metropolis included: it is invited when it takes part)."""
        org = scopes.organisation_of(user)
        if org is None or org.kind == OrganisationKind.ADMIN:
            return self.none()
        invited = self.model.invited_organisations.through.objects.filter(organisation=org).values(
            "committee_id"
        )
        return self.filter(Q(organiser=org) | Q(pk__in=invited))


class CommissionSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A CALEOL session is seen by its landlord, and by the commune and the project office of the
        projects whose households it examines (they follow those proposals)."""
        org = scopes.organisation_of(user)
        if org is None:
            return self.none()
        if org.kind == OrganisationKind.LANDLORD:
            return self.filter(landlord=org)
        if org.kind in (OrganisationKind.MUNICIPALITY, OrganisationKind.PROJECT_OFFICE):
            Item = apps.get_model("governance", "CommissionItem")
            project_ids = org.projects.values("pk")
            sessions = Item.objects.filter(proposal__household__project_id__in=project_ids).values(
                "session_id"
            )
            return self.filter(pk__in=sessions)
        return self.none()


class WorkingGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A working group is seen by its organiser (the metropolis), its member organisations and its
        member people; nobody else (404)."""
        org = scopes.organisation_of(user)
        if org is None or org.kind == OrganisationKind.ADMIN:
            return self.none()
        through_orgs = self.model.member_organisations.through.objects.filter(organisation=org).values(
            "workinggroup_id"
        )
        through_people = self.model.member_people.through.objects.filter(user=user).values("workinggroup_id")
        return self.filter(Q(organiser=org) | Q(pk__in=through_orgs) | Q(pk__in=through_people))
