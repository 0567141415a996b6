"""The read log of every page: one ``FileRead`` per household whose named data a response shows.

The collector of ``audit.reads`` is open while the view and its templates run; the named fields note
the households they are read for. When the response is a page (not a redirect, not a file, not a 404
or a server error), one bulk insert logs a read of each household noted, minus those the view logged
itself (the file page, exports), for the user and the organisation they act for. Files keep their own
explicit log (``export csv``, ``export fichier de suivi``…): they are read when they are written.
"""

from __future__ import annotations

from relogement.audit import reads
from relogement.audit.services import file_reads_record

# What the log says was read (FileRead.what), by URL name; another page is logged under its URL name.
PAGE_LABELS = {
    "home": "accueil",
    "households:list": "liste",
    "households:detail": "fiche",
    "households:section": "fiche (modification)",
    "households:member_add": "fiche (modification)",
    "households:member_edit": "fiche (modification)",
    "households:member_remove": "fiche (modification)",
    "households:resources": "fiche (modification)",
    "households:diagnosis_add": "fiche (modification)",
    "households:wishes": "fiche (modification)",
    "households:support_add": "fiche (modification)",
    "households:step_add": "fiche (modification)",
    "households:step_complete": "fiche (modification)",
    "households:split": "fiche (décohabitation)",
    "households:reassign_provider": "fiche (changement de prestataire)",
    "documents:section": "fiche (documents)",
    "documents:upload": "fiche (ajout de document)",
    "documents:delete": "fiche (suppression de document)",
    "offers:proposal": "proposition",
    "offers:proposal_action": "proposition",
    "offers:household_offers": "offres du ménage",
    "offers:detail": "offre",
    "offers:position": "offre (positionnement)",
    "offers:deadlines": "échéances",
    "rehousing:detail": "relogement",
    "rehousing:edit": "relogement (modification)",
    "matching:household_offers": "offres classées",
    "matching:offer_households": "ménages pour une offre",
    "matching:plan": "plan d'attribution",
    "matching:risk": "calendrier de démolition",
    "followup:list": "suivi post-relogement (liste)",
    "followup:household": "suivi post-relogement",
    "followup:record": "suivi post-relogement",
    "project_detail": "projet",
    "building_detail": "bâtiment",
    "indicators:drilldown": "indicateurs (ménages)",
}


def page_label(request) -> str:
    """The page's label; a page answering a search (a non-empty ``q``) says so."""
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match is not None else request.path
    label = PAGE_LABELS.get(name, name)
    if request.GET.get("q", "").strip():
        label += " (recherche)"
    return label


def shows_content(response) -> bool:
    """A page or a partial the user reads; files log their own reads, redirects and errors show none
    (a form sent back with its errors, 400, does)."""
    if response.streaming or "attachment" in response.get("Content-Disposition", ""):
        return False
    status = response.status_code
    return 200 <= status < 300 or (400 <= status < 500 and status != 404)


class FileReadMiddleware:
    """After the view: log a read of every named household the response showed (one insert)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with reads.collecting() as households:
            response = self.get_response(request)
        user = getattr(request, "user", None)
        ids = households.to_log()
        if ids and user is not None and user.is_authenticated and shows_content(response):
            file_reads_record(user=user, household_ids=ids, what=page_label(request))
        return response
