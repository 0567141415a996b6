from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from relogement.accounts.models import OrganisationKind
from relogement.permissions import scopes


class GrievanceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Organisations that see the household see its grievances, and the organisation responsible
        for one sees it. The metropolis reads grievances as aggregates only (indicators), never one by
        one: a complaint (a discrimination…) is too personal for pseudonymised data to protect it."""
        org = scopes.organisation_of(user)
        if org is None or org.kind in (OrganisationKind.ADMIN, OrganisationKind.METROPOLIS):
            return self.none()
        return self.filter(scopes.household_filter(user, field="household_id") | Q(responsible=org))

    def open(self):
        from relogement.grievances.models import GrievanceStatus

        return self.exclude(status=GrievanceStatus.CLOSED)

    def overdue(self, today: dt.date):
        """Open grievances past a deadline: not acknowledged by the acknowledgement deadline, or not
        closed by the resolution deadline."""
        return self.open().filter(
            Q(acknowledged_on__isnull=True, acknowledgement_due__lt=today) | Q(resolution_due__lt=today)
        )
