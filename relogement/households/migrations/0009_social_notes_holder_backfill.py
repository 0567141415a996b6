"""Existing social notes are attributed to the household's current social provider.

Who wrote a note before notes were attributed is not recorded anywhere: the provider the household is
assigned to when this migration runs is the best knowledge available (in practice the only provider
that ever followed it, as the provider could not be changed in the application before). Notes of a
household without a provider stay unattributed (held by nobody, so read by nobody). History rows are
left as they are: they are not read to decide who sees a note.
"""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def attribute_notes(apps, schema_editor):
    Household = apps.get_model("households", "Household")
    provider = Subquery(
        Household.objects.filter(pk=OuterRef("household_id")).values("social_provider_id")[:1]
    )
    for name in ("SupportLogEntry", "SocialDiagnosis"):
        model = apps.get_model("households", name)
        model.objects.filter(organisation__isnull=True).update(organisation=provider, holder=provider)
    Household.objects.exclude(health_note="").filter(health_note_holder__isnull=True).update(
        health_note_holder=F("social_provider_id")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0008_social_notes_holder_and_provider_changes"),
    ]

    operations = [
        migrations.RunPython(attribute_notes, migrations.RunPython.noop),
    ]
