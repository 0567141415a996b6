"""French wording of issue 18 (point 9): one composition helper, « Commune : Toutes », « Autre » last,
required fields marked one way, success messages that say what was saved."""

import re

import pytest
from django.template import Context, Template
from django.template.loader import get_template
from django.urls import reverse

from relogement.core.formatting import format_composition
from relogement.offers.forms import RefuseForm
from relogement.offers.models import ProposalStatus, RefusalReason
from tests import factories
from tests.offers.conftest import make_searching


@pytest.mark.parametrize(
    ("adults", "children", "text"),
    [
        (2, 0, "2 adultes, sans enfant"),
        (1, 1, "1 adulte, 1 enfant"),
        (1, 3, "1 adulte, 3 enfants"),
        (3, None, "3 adultes, sans enfant"),
        (None, None, "—"),
    ],
)
def test_composition_reads_as_the_field_writes_it(adults, children, text):
    assert format_composition(adults, children) == text


def test_household_file_and_committee_summary_use_the_one_composition(world):
    world.household_a.adults_count, world.household_a.children_count = 2, 0
    world.household_a.save(update_fields=["adults_count", "children_count"])
    html = world.client_for("mous").get(reverse("households:detail", args=[world.household_a.pk])).content
    assert "2 adultes, sans enfant" in html.decode()
    rendered = Template("{% load fr %}{{ h|composition }}").render(Context({"h": world.household_a}))
    assert rendered == "2 adultes, sans enfant"


def test_household_filters_say_commune_toutes(world):
    html = world.client_for("mous").get(reverse("households:list")).content.decode()
    commune_select = html.split('name="commune"')[1].split("</select>")[0]
    assert '<option value="">Toutes</option>' in commune_select.replace(" selected", "")


@pytest.mark.parametrize(
    "url_name", ["households:list", "offers:list", "building_list", "grievances:list", "matching:plan"]
)
def test_list_pages_offer_no_django_placeholder_and_agreeing_empty_choices(world, url_name):
    """No « --------- » in a list's filters or bulk actions (the bulk provider change offered one), and
    the empty choice of a filter agrees with its label (« État : Tous », as « Objet : Tous »)."""
    html = world.client_for("mous").get(reverse(url_name)).content.decode()
    assert "---------" not in html
    if url_name == "grievances:list":
        state = html.split('name="etat"')[1].split("</select>")[0]
        assert '<option value="">Tous</option>' in state.replace(" selected", "")


def test_refusal_reasons_offer_autre_last(db):
    for code, label in [
        ("autre", "Autre motif"),
        ("taille", "Logement trop petit"),
        ("acces", "Accessibilité"),
        ("etat", "État du logement"),
        ("ecole", "école trop loin"),
    ]:
        RefusalReason.objects.create(code=code, label=label)
    labels = [label for _, label in RefuseForm().fields["refusal_reason"].choices][1:]
    # Accents and case aside: « État » and « école » among the E, not after the Z.
    assert labels == [
        "Accessibilité",
        "école trop loin",
        "État du logement",
        "Logement trop petit",
        "Autre motif",
    ]


def test_required_fields_are_marked_one_way_in_every_form():
    """The field includes of the apps are the shared one; a required field gets « * (obligatoire) »."""
    for name in ("households/_field.html", "offers/_fields.html"):
        assert '"_field.html"' in get_template(name).template.source
    from django import forms

    class Form(forms.Form):
        name = forms.CharField(label="Nom")
        note = forms.CharField(label="Note", required=False)

    html = "".join(get_template("_field.html").render({"field": field}) for field in Form())
    assert (
        html.count('<span aria-hidden="true">*</span><span class="visually-hidden">(obligatoire)</span>') == 1
    )


def test_forms_with_their_own_widgets_mark_required_fields_the_same_way(world):
    """The password change, the import of a workbook and the API token form draw their labels outside
    the shared include: a required field still reads « * (obligatoire) »."""
    from tests.api.access_cases import _tokens_page

    mark = '<span aria-hidden="true">*</span><span class="visually-hidden">(obligatoire)</span>'
    password = world.client_for("mous").get(reverse("password_change")).content.decode()
    assert password.count(mark) == 3
    workbook = world.client_for("mous").get(reverse("exchange:import")).content.decode()
    assert re.search(r"<label[^>]*>[^<]*" + re.escape(mark) + "</label>", workbook)
    _tokens_page(world)
    tokens = world.client_for("landlord").get(reverse("api:tokens")).content.decode()
    assert mark in tokens


def test_a_proposal_action_says_what_was_saved(world):
    make_searching(world.household_a)
    offer = factories.HousingOfferFactory(landlord=world.orgs["landlord"], commune=world.commune)
    proposal = factories.ProposalFactory(
        household=world.household_a, offer=offer, status=ProposalStatus.POSITIONED
    )
    client = world.client_for("mous")
    response = client.post(
        reverse("offers:proposal_action", args=[proposal.pk, "notify"]),
        {"notify-notified_date": "2026-01-05"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "Proposition notifiée au ménage : dates de notification, de visite et de réponse enregistrées."
    ]
