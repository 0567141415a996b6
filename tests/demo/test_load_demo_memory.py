"""load_demo at national scale (issue 19, point 5): households are written chunk by chunk and none is
kept in memory once written, so that 250,000 households fit the bench machine."""

import gc
import io

import pytest
from django.core.management import call_command

from relogement.demo import generator
from relogement.households.models import Household
from relogement.rehousing.models import Rehousing

pytestmark = pytest.mark.django_db


def test_no_household_stays_in_memory_once_its_chunk_is_written(monkeypatch):
    alive = {}
    households = generator.Generator.households
    # Objects other tests of this process left alive are not the demo's: only new ones count.
    gc.collect()
    before = {id(o) for o in gc.get_objects() if type(o) in (Household, Rehousing)}

    def counted(self):
        households(self)
        gc.collect()
        # type(), not isinstance(): a dead weak proxy among the objects raises on isinstance().
        new = [o for o in gc.get_objects() if type(o) in (Household, Rehousing) and id(o) not in before]
        alive["households"] = sum(1 for o in new if type(o) is Household)
        alive["rehousings"] = sum(1 for o in new if type(o) is Rehousing)

    monkeypatch.setattr(generator.Generator, "households", counted)
    call_command("load_demo", households=200, seed=7, stdout=io.StringIO())
    assert Household.objects.count() >= 200 and Rehousing.objects.filter(offer__isnull=False).exists()
    assert alive == {"households": 0, "rehousings": 0}
