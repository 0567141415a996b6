"""The secret statistique rule shared by the dashboards and every page showing counts."""

from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from relogement.permissions.secrecy import HIDDEN_HTML, count_hidden


def test_count_hidden_follows_the_role_and_the_threshold(world):
    metropolis, mous = world.users["metropolis"], world.users["mous"]
    assert count_hidden(metropolis, 0) and count_hidden(metropolis, 4)
    assert not count_hidden(metropolis, 5)
    assert count_hidden(metropolis, 12, 3)  # a figure computed from a small count
    assert not count_hidden(mous, 0) and not count_hidden(mous, 4)


def test_an_unknown_reader_sees_less_never_more():
    assert count_hidden(None, 3) and count_hidden(AnonymousUser(), 3)


def test_effectif_tag(world):
    template = Template("{% load secrecy %}{% effectif n %}|{% effectif pace base=gone decimals=1 %}")
    request = RequestFactory().get("/")
    request.user = world.users["metropolis"]
    hidden = template.render(Context({"request": request, "n": 3, "pace": 1.25, "gone": 2}))
    assert hidden == f"{HIDDEN_HTML}|{HIDDEN_HTML}"
    assert (
        template.render(Context({"request": request, "n": 1234, "pace": 7.25, "gone": 9})) == "1\u202f234|7,3"
    )
    request.user = world.users["mous"]
    assert template.render(Context({"request": request, "n": 3, "pace": 1.25, "gone": 2})) == "3|1,3"
    assert template.render(Context({"n": 3, "pace": 1, "gone": 9})).startswith(HIDDEN_HTML)
