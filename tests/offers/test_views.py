"""The offers pages: lists with constant queries, filters, the journey through HTTP, bad input."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from relogement.households.statuses import HouseholdStatus
from relogement.offers.models import Answer, HousingOffer, OfferStatus, Proposal, ProposalStatus
from relogement.projects.models import OfferRuleBasis
from relogement.rehousing.models import Rehousing
from tests import factories
from tests.offers.conftest import days_ago

D = dt.date


def test_offer_list_filters_and_constant_queries(world, django_assert_max_num_queries):
    other = factories.CommuneFactory(insee_code="59009", name="Villeneuve-d'Ascq")
    for i in range(30):
        factories.HousingOfferFactory(
            landlord=world.orgs["landlord"] if i % 2 else world.orgs["other_landlord"],
            commune=world.commune if i % 3 else other,
            in_qpv=i % 5 == 0,
            dwelling_type="T2" if i % 4 == 0 else "T3",
        )
    client = world.client_for("mous")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("offers:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25
    with django_assert_max_num_queries(12):
        client.get(reverse("offers:list") + "?page=2")
    response = client.get(reverse("offers:list"), {"commune": other.pk, "dwelling_type": "T2"})
    assert all(o.commune == other and o.dwelling_type == "T2" for o in response.context["page"].object_list)
    response = client.get(reverse("offers:list"), {"qpv": "oui"})
    assert {o.in_qpv for o in response.context["page"].object_list} == {True}
    # A landlord sees its own offers only (no household of its perimeter is positioned elsewhere).
    response = world.client_for("landlord").get(reverse("offers:list"))
    assert response.context["page"].paginator.count == 15


def test_landlord_publishes_and_bad_input_changes_nothing(world):
    client = world.client_for("landlord")
    data = {
        "reference": "LOG-1",
        "address": "3 rue Solférino",
        "commune": world.commune.pk,
        "dwelling_type": "T2",
        "living_area": "48",
        "floor": "0",
        "rent": "-5",
        "charges": "40",
        "financing": "PLAI",
        "stock_kind": "social",
        "available_from": "2026-01-01",
    }
    response = client.post(reverse("offers:create"), data)
    assert response.status_code == 200
    assert "négatif" in response.content.decode()
    assert not HousingOffer.objects.exists()
    data["rent"] = "320"
    response = client.post(reverse("offers:create"), data)
    offer = HousingOffer.objects.get()
    assert response.status_code == 302 and offer.landlord == world.orgs["landlord"]
    response = client.post(reverse("offers:edit", args=[offer.pk]), data | {"rent": "330"})
    offer.refresh_from_db()
    assert offer.rent == Decimal("330.00")


def _post(client, proposal, action, data):
    return client.post(
        reverse("offers:proposal_action", args=[proposal.pk, action]),
        {f"{action}-{k}": v for k, v in data.items()},
    )


def test_journey_through_the_pages(searching, offer, reason):
    world = searching
    mous, landlord = world.client_for("mous"), world.client_for("landlord")
    page = mous.get(reverse("offers:position", args=[offer.pk]), {"household": world.household_a.pk})
    assert page.status_code == 200
    assert page.context["preview"]["after"].rac is not None
    assert "Reste à charge" in page.content.decode()
    assert (
        mous.post(
            reverse("offers:position", args=[offer.pk]), {"household": world.household_a.pk}
        ).status_code
        == 302
    )
    assert (
        mous.post(
            reverse("offers:position", args=[offer.pk]), {"household": world.household_b.pk}
        ).status_code
        == 302
    )
    p_a, p_b = Proposal.objects.order_by("pk")
    detail = mous.get(reverse("offers:detail", args=[offer.pk]))
    assert len(detail.context["rows"]) == 2 and detail.context["rows"][0]["rent"]["after"].apl is not None

    for p in (p_a, p_b):
        assert _post(mous, p, "notify", {"notified_date": days_ago(10).isoformat()}).status_code == 302
    # A refusal without a reason is refused, with a French message, and nothing changes.
    response = _post(mous, p_a, "refuse", {"answer_date": days_ago(8).isoformat()})
    assert response.status_code == 400 and "motivé" in response.content.decode()
    p_a.refresh_from_db()
    assert p_a.answer == Answer.PENDING
    assert (
        _post(
            mous, p_a, "refuse", {"answer_date": days_ago(8).isoformat(), "refusal_reason": reason.pk}
        ).status_code
        == 302
    )
    assert _post(mous, p_b, "accept", {"answer_date": days_ago(8).isoformat()}).status_code == 302
    # Dates out of order: refused, nothing changes.
    response = _post(
        landlord, p_b, "commission", {"decision": "allocated", "commission_date": days_ago(9).isoformat()}
    )
    assert response.status_code == 400 and "ne peut pas précéder" in response.content.decode()
    assert (
        _post(
            landlord, p_b, "commission", {"decision": "allocated", "commission_date": days_ago(6).isoformat()}
        ).status_code
        == 302
    )
    assert _post(landlord, p_b, "sign_lease", {"lease_date": days_ago(4).isoformat()}).status_code == 302
    response = _post(
        landlord,
        p_b,
        "move_in",
        {
            "move_in_date": days_ago(2).isoformat(),
            "kind": "definitive",
            "housing_stock": "social",
            "apl": "150",
            "rls": "25",
        },
    )
    rehousing = Rehousing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "rehousing:detail", args=[rehousing.pk]
    )
    assert (rehousing.apl, rehousing.rls) == (Decimal("150.00"), Decimal("25.00"))
    offer.refresh_from_db()
    world.household_a.refresh_from_db()
    world.household_b.refresh_from_db()
    assert offer.status == OfferStatus.LET
    assert world.household_a.status == HouseholdStatus.SEARCHING
    assert world.household_b.status == HouseholdStatus.REHOUSED
    page = landlord.get(reverse("rehousing:detail", args=[rehousing.pk]))
    assert page.status_code == 200 and "Indemnité ANRU" in page.content.decode()
    assert (
        landlord.post(
            reverse("rehousing:edit", args=[rehousing.pk]),
            {"apl": "160", "rls": "25", "rent_reduction_payment": "non"},
        ).status_code
        == 302
    )
    rehousing.refresh_from_db()
    assert rehousing.apl == Decimal("160.00") and rehousing.rent_reduction_payment is False
    panel = mous.get(reverse("offers:household_offers", args=[world.household_a.pk]))
    assert "Offres conformes notifiées : 1" in panel.content.decode()


def test_proposal_page_names_only_for_named_roles(world, offer):
    p = factories.ProposalFactory(household=world.household_a, offer=offer, status=ProposalStatus.POSITIONED)
    assert (
        "Famille Martin"
        in world.client_for("mous").get(reverse("offers:proposal", args=[p.pk])).content.decode()
    )
    body = world.client_for("metropolis").get(reverse("offers:proposal", args=[p.pk])).content.decode()
    assert "Famille Martin" not in body and world.household_a.pseudonym in body


def test_deadlines_page_constant_queries(world, django_assert_max_num_queries):
    world.project.offer_rule_basis = OfferRuleBasis.LOCAL_CHARTER  # the project's own rule
    world.project.required_offers = 1
    world.project.save()
    for _ in range(30):
        h = factories.HouseholdFactory(building=world.building, social_provider=world.orgs["social_a"])
        factories.ProposalFactory(
            household=h,
            offer=None,
            status=ProposalStatus.REFUSED,
            notified_date=days_ago(20),
            answer=Answer.REFUSED,
            is_compliant=True,
        )
    client = world.client_for("mous")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("offers:deadlines"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 25
    with django_assert_max_num_queries(10):
        response = client.get(reverse("offers:deadlines") + "?page=2")
    assert len(response.context["rows"]) == 5


def test_household_include_tag(world):
    request = RequestFactory().get("/")
    request.user = world.users["mous"]
    html = Template("{% load offers_tags %}{% household_offers household %}").render(
        Context({"household": world.household_a, "request": request})
    )
    assert "Offres conformes notifiées : 0" in html
