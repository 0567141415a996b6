import datetime as dt

from relogement.grievances.models import Grievance, GrievanceStatus


def grievance_for(world, *, household=None, responsible="mous", status=GrievanceStatus.RECEIVED, **extra):
    """A grievance of household A (in the MOUS, commune, provider A and landlord's scope), written
    directly: the services have their own tests."""
    received = extra.pop("received_on", dt.date(2026, 1, 5))
    values = {
        "household": household or world.household_a,
        "category": "loyer",
        "channel": "courrier",
        "received_on": received,
        "description": "Le loyer proposé dépasse ce que Mme Martin peut payer.",
        "responsible": world.orgs[responsible],
        "recorded_by_organisation": world.orgs["mous"],
        "acknowledgement_due": received + dt.timedelta(days=2),
        "resolution_due": received + dt.timedelta(days=30),
        "status": status,
    }
    values.update(extra)
    return Grievance.objects.create(**values)
