from django.db import models
from django.db.models import Q

from relogement.accounts.models import OrganisationKind
from relogement.permissions import scopes


class HousingOfferQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Offers are pooled at metropolitan scale: every operational role sees them; a landlord its own
        and those on which a household of its perimeter is positioned."""
        org = scopes.organisation_of(user)
        if org is None or org.kind == OrganisationKind.ADMIN:
            return self.none()
        if org.kind == OrganisationKind.LANDLORD:
            # Here, not at the top: visibility reads the indicators' cache, which imports the offers' models.
            from relogement.offers import visibility

            return self.filter(Q(landlord=org) | visibility.positioned_offers(org))
        return self.all()


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scopes.household_filter(user, field="household_id"))
