"""``{% load duplicates_tags %}{% duplicates_section household %}``: the household page's "Doublons"
section (linked files, decisions, possible duplicates), loaded apart so that the households app does not
depend on this one."""

from django import template

from relogement.duplicates import selectors
from relogement.duplicates.detection import find_possible_duplicates
from relogement.duplicates.models import DecisionKind
from relogement.households.visibility import display_name
from relogement.permissions import predicates

register = template.Library()


def _other(decision, household):
    return decision.household_high if decision.household_low_id == household.pk else decision.household_low


def _decisions(user, household) -> list:
    """``selectors.decisions_of`` read once per page: the header links are its links in force, the
    section shows them all (kept on the household, which the page fetched for this user)."""
    cached = getattr(household, "_duplicate_decisions", None)
    if cached is None or cached[0] != user.pk:
        cached = (user.pk, selectors.decisions_of(user=user, household=household))
        household._duplicate_decisions = cached
    return cached[1]


@register.inclusion_tag("duplicates/_household_links.html", takes_context=True)
def duplicate_links(context, household):
    """« Dossier lié : … » in the file's header, for everyone who sees both files."""
    user = context["request"].user
    # decisions_of(linked_only=True), from the decisions the section shows too.
    linked = [d for d in _decisions(user, household) if d.active and d.decision == DecisionKind.LINKED]
    return {
        "linked": [
            {"household": _other(d, household), "name": display_name(user, _other(d, household))}
            for d in linked
        ]
    }


@register.inclusion_tag("duplicates/_household_section.html", takes_context=True)
def duplicates_section(context, household):
    """Possible duplicates (for those who keep the file) and decisions (for the roles of the pair page)."""
    user = context["request"].user
    shown = predicates.can_view_duplicates(user)
    if not shown:
        return {"shown": False, "candidates": [], "decisions": [], "can_edit": False, "household": household}
    decisions = _decisions(user, household)
    candidates = []
    can_edit = shown and predicates.can_edit_household(user, household)
    if can_edit:
        members = [(m.last_name, m.first_name, m.birth_date) for m in household.members.all()]
        candidates = [
            {
                "candidate": c,
                "name": display_name(user, c.household),
                "can_decide": predicates.can_decide_duplicate(user, household, c.household),
            }
            for c in find_possible_duplicates(
                viewer=user,
                sne_number=household.sne_number,
                members=members,
                origin_dwelling_id=household.origin_dwelling_id,
                exclude_household_id=household.pk,
                limit=5,
            )
        ]
    return {
        "household": household,
        "shown": shown,
        "decisions": [
            {
                "decision": d,
                "other": _other(d, household),
                "other_name": display_name(user, _other(d, household)),
                "can_undo": d.active
                and predicates.can_decide_duplicate(user, d.household_low, d.household_high),
            }
            for d in decisions
        ],
        "candidates": candidates,
        "can_edit": can_edit,
        "request": context["request"],
    }


@register.inclusion_tag("duplicates/_candidates.html", takes_context=True)
def possible_duplicates(context, candidates):
    """The candidates of ``find_possible_duplicates`` as a form shows them before saving (the census
    form): score, file, name (or pseudonym where names are hidden), reasons."""
    user = context["request"].user
    return {"rows": [{"candidate": c, "name": display_name(user, c.household)} for c in candidates]}
