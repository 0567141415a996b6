"""Changing one's own password, under the password policy (at least 12 characters, no common or
all-digit password, not close to the user's names)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.urls import reverse

from relogement.accounts.models import User
from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

URL = "/mot-de-passe/"


def change(client, new, *, old=DEMO_PASSWORD, confirm=None):
    return client.post(
        URL, {"old_password": old, "new_password1": new, "new_password2": new if confirm is None else confirm}
    )


def test_the_page_is_linked_from_the_user_menu_and_accessible(world):
    client = world.client_for("social_a")
    assert reverse("password_change") == URL
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
    html = client.get(URL).content.decode()
    assert "Changer de mot de passe" in html
    assert '<label class="form-label" for="id_old_password">' in html
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html
    # The rules are stated before the user types (help text of the new password).
    assert "au minimum 12 caractères" in html and 'aria-describedby="id_new_password1-aide"' in html


@pytest.mark.parametrize(
    ("new", "error"),
    [
        ("Lune-bleue7", "Il doit contenir au minimum 12 caractères"),  # 11 characters
        ("Telechargement", "Ce mot de passe est trop courant"),
        ("804713529641", "Ce mot de passe est entièrement numérique"),
        ("social_a-2026", "trop semblable"),  # the username
    ],
)
def test_a_weak_password_is_refused_in_french_and_nothing_changes(world, new, error):
    client = world.client_for("social_a")
    response = change(client, new)
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html and "Le mot de passe n'a pas été modifié" in html
    assert 'aria-invalid="true"' in html
    # The rule's error stands under the new password, not under its confirmation.
    form = response.context["form"]
    assert error in " ".join(form.errors["new_password1"]) and "new_password2" not in form.errors
    assert User.objects.get(username="social_a").check_password(DEMO_PASSWORD)


def test_a_wrong_old_password_or_a_mismatch_changes_nothing(world):
    client = world.client_for("mous")
    assert (
        "Votre ancien mot de passe est incorrect"
        in change(client, "Un-chemin-vers-la-gare", old="x").content.decode()
    )
    assert change(client, "Un-chemin-vers-la-gare", confirm="Un-autre-chemin").status_code == 200
    assert User.objects.get(username="mous").check_password(DEMO_PASSWORD)


def test_a_valid_password_is_saved_and_the_session_stays_open(world):
    client = world.client_for("mous")
    response = change(client, "Un-chemin-vers-la-gare")
    assert response.status_code == 302 and response.url == reverse("home")
    assert User.objects.get(username="mous").check_password("Un-chemin-vers-la-gare")
    page = client.get(response.url)
    assert page.status_code == 200 and "Votre mot de passe a été modifié." in page.content.decode()


def test_the_demo_password_meets_the_policy():
    """The demo personas (relogement/demo) and the test factories share this password."""
    for username in ("metropole", "commune", "mous", "social-a", "social-b", "bailleur", "admin"):
        validate_password(DEMO_PASSWORD, User(username=username, first_name="Agent", last_name="de la Ville"))
