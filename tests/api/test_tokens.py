"""API tokens: stored hashed, per organisation, expiry, revocation, last use, call log, throttling,
the command line and the tokens page."""

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from relogement.accounts.models import Membership
from relogement.api.models import ApiCall, ApiToken
from relogement.api.tokens import api_token_create, api_token_revoke, token_for_key
from relogement.core.errors import DomainError
from tests.api.clients import ApiClient, api_client

PROJECTS = "/api/v1/projets/"


def _grant_token_management(user):
    user.user_permissions.add(Permission.objects.get(codename="manage_apitoken"))


# --- storage -------------------------------------------------------------------------------------


def test_only_the_hash_and_a_short_prefix_are_stored(world):
    token, key = api_token_create(organisation=world.orgs["landlord"], name="Gestion locative")
    assert key.startswith("rlg_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:12] and key[12:] not in token.prefix
    stored = [getattr(token, f.attname) for f in ApiToken._meta.concrete_fields]
    assert key not in stored


def test_each_token_has_a_service_user_that_cannot_sign_in_nor_belong(world):
    token, _ = api_token_create(organisation=world.orgs["landlord"], name="Gestion locative")
    user = token.user
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    assert str(user) == "Jeton d'API Gestion locative (Bailleur Nord)"


@pytest.mark.parametrize(
    ("name", "expires_on", "message"),
    [
        ("  ", None, "Donnez un nom au jeton"),
        ("x" * 101, None, "ne peut pas dépasser 100 caractères"),
        ("Gestion", dt.date.today() - dt.timedelta(days=1), "ne peut pas être passée"),
    ],
)
def test_invalid_tokens_are_refused_in_french_and_nothing_is_created(world, name, expires_on, message):
    with pytest.raises(DomainError, match=message):
        api_token_create(organisation=world.orgs["landlord"], name=name, expires_on=expires_on)
    assert not ApiToken.objects.exists()


def test_two_live_tokens_of_an_organisation_never_share_a_name(world):
    token, _ = api_token_create(organisation=world.orgs["landlord"], name="Gestion")
    with pytest.raises(DomainError, match="s'appelle déjà « Gestion »"):
        api_token_create(organisation=world.orgs["landlord"], name="Gestion")
    api_token_create(organisation=world.orgs["other_landlord"], name="Gestion")
    api_token_revoke(token=token)
    api_token_create(organisation=world.orgs["landlord"], name="Gestion")


def test_the_administration_organisation_gets_no_token(world):
    with pytest.raises(DomainError, match="organisation d'administration"):
        api_token_create(organisation=world.orgs["admin"], name="Outil")


# --- authentication ------------------------------------------------------------------------------


def test_a_valid_token_acts_for_its_organisation_and_records_its_use(world):
    token, key = api_token_create(organisation=world.orgs["social_a"], name="Outil social")
    assert token.last_used_at is None
    response = ApiClient(key).get(PROJECTS)
    assert response.status_code == 200
    assert [p["code"] for p in response.json()["resultats"]] == ["lille-concorde"]
    token.refresh_from_db()
    assert token.last_used_at is not None
    call = ApiCall.objects.get()
    assert (call.token, call.method, call.path, call.status) == (token, "GET", PROJECTS, 200)


def test_without_a_token_the_answer_is_401_in_french(world):
    response = ApiClient().get(PROJECTS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "code": "non_authentifie",
        "message": "Authentification requise : en-tête « Authorization: Token <jeton> ».",
    }
    assert not ApiCall.objects.exists()


def test_a_signed_in_session_is_not_enough(world):
    response = world.client_for("landlord").get(PROJECTS)
    assert response.status_code == 401


@pytest.mark.parametrize(
    "header", ["Token rlg_inconnu", "Token", "Token a b", "Token " + "rlg_" + "x" * 43, "Token é"]
)
def test_unknown_or_malformed_tokens_are_refused(world, header):
    response = ApiClient().get(PROJECTS, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["code"] == "non_authentifie"


def test_an_expired_token_is_refused_the_day_after_its_last_day(world):
    today = timezone.localdate()
    token, key = api_token_create(organisation=world.orgs["mous"], name="Outil", expires_on=today)
    assert ApiClient(key).get(PROJECTS).status_code == 200
    tomorrow = timezone.now() + dt.timedelta(days=1)
    check = token_for_key(key, now=tomorrow)
    assert check.token is None
    assert check.refusal == f"Jeton d'API expiré depuis le {today:%d/%m/%Y}."
    ApiToken.objects.filter(pk=token.pk).update(expires_on=today - dt.timedelta(days=1))
    response = ApiClient(key).get(PROJECTS)
    assert response.status_code == 401
    assert "expiré" in response.json()["message"]


def test_a_revoked_token_is_refused_and_its_user_deactivated(world):
    token, key = api_token_create(organisation=world.orgs["mous"], name="Outil")
    api_token_revoke(token=token)
    response = ApiClient(key).get(PROJECTS)
    assert response.status_code == 401
    assert "révoqué" in response.json()["message"]
    token.refresh_from_db()
    assert not token.user.is_active
    with pytest.raises(DomainError, match="déjà révoqué"):
        api_token_revoke(token=token)


def test_throttling_counts_requests_per_token(world, settings):
    settings.API_THROTTLE_RATE = "2/minute"
    first, second = api_client(world, "mous"), api_client(world, "commune")
    assert first.get(PROJECTS).status_code == 200
    assert first.get(PROJECTS).status_code == 200
    throttled = first.get(PROJECTS)
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "trop_de_requetes"
    assert throttled.json()["message"].startswith("Trop de requêtes pour ce jeton : réessayez dans")
    assert int(throttled["Retry-After"]) > 0
    assert second.get(PROJECTS).status_code == 200


# --- command line --------------------------------------------------------------------------------


def test_command_creates_a_token_and_prints_it_once(world):
    out, err = StringIO(), StringIO()
    call_command(
        "api_token", "create", "--organisation", "Bailleur Nord", "--name", "SIG", stdout=out, stderr=err
    )
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.organisation == world.orgs["landlord"] and token.created_by is None
    assert "il ne sera plus jamais affiché" in err.getvalue()
    listing = StringIO()
    call_command("api_token", "list", "--organisation", "Bailleur Nord", stdout=listing)
    assert token.prefix in listing.getvalue() and key not in listing.getvalue()
    call_command("api_token", "revoke", "--organisation", "Bailleur Nord", "--name", "SIG", stdout=StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_command_with_an_expiry_date(world):
    out = StringIO()
    call_command(
        "api_token",
        "create",
        "--organisation",
        "MOUS Concorde",
        "--name",
        "Outil",
        "--expires",
        "2099-12-31",
        stdout=out,
        stderr=StringIO(),
    )
    assert ApiToken.objects.get().expires_on == dt.date(2099, 12, 31)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["create", "--organisation", "bailleur nord", "--name", "SIG"],
            "Organisation inconnue : « bailleur nord » (nom exact attendu). Vouliez-vous dire « Bailleur Nord » ?",
        ),
        (
            ["create", "--organisation", "Bailleur Nord", "--name", "SIG", "--expires", "31/12/2099"],
            "Date invalide",
        ),
        (["create", "--organisation", "Administration", "--name", "SIG"], "organisation d'administration"),
        (
            ["revoke", "--organisation", "Bailleur Nord", "--name", "Absent"],
            "Aucun jeton actif nommé « Absent »",
        ),
    ],
)
def test_command_errors_are_french_and_write_nothing(world, args, message):
    with pytest.raises(
        CommandError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")
    ):
        call_command("api_token", *args, stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


# --- the tokens page -----------------------------------------------------------------------------


def test_tokens_page_is_for_those_granted_the_permission(world):
    url = reverse("api:tokens")
    assert world.client_for("landlord").get(url).status_code == 404
    assert url not in world.client_for("landlord").get("/").content.decode()
    _grant_token_management(world.users["landlord"])
    assert world.client_for("landlord").get(url).status_code == 200
    assert f'href="{url}"' in world.client_for("landlord").get("/").content.decode()  # the menu's entry
    _grant_token_management(world.users["admin"])
    assert world.client_for("admin").get(url).status_code == 404


def test_tokens_page_creates_shows_the_secret_once_and_revokes(world):
    _grant_token_management(world.users["landlord"])
    client = world.client_for("landlord")
    response = client.post(reverse("api:tokens"), {"name": "Gestion locative", "expires_on": ""})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    key = response.context["created"]["key"]
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.created_by == world.users["landlord"] and token.organisation == world.orgs["landlord"]
    assert key in response.content.decode()
    assert key not in client.get(reverse("api:tokens")).content.decode()
    response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == world.users["landlord"]


def test_tokens_page_refuses_invalid_input_in_french(world):
    _grant_token_management(world.users["landlord"])
    response = world.client_for("landlord").post(
        reverse("api:tokens"), {"name": "", "expires_on": "2000-01-01"}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    response = world.client_for("landlord").post(
        reverse("api:tokens"), {"name": "Outil", "expires_on": "2000-01-01"}
    )
    assert response.status_code == 400
    assert "La date de fin de validité ne peut pas être passée." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_another_organisations_token_is_out_of_reach(world):
    _grant_token_management(world.users["landlord"])
    other, _ = api_token_create(organisation=world.orgs["mous"], name="Outil MOUS")
    response = world.client_for("landlord").post(reverse("api:token_revoke", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
    assert "Outil MOUS" not in world.client_for("landlord").get(reverse("api:tokens")).content.decode()
