"""Access matrix of the documents of household A (provider A, project Concorde).

The section: every role with named data in scope (not the metropolis: pseudonymised). A lease: the
same roles. A tax notice: not the landlord (can_view_resources). A social document: only the provider
holding it. Provider B, the outsider and the administrator get 404 on everything.
"""

from relogement.documents.kinds import DocumentKind
from tests.access import UrlCase
from tests.documents.builders import make_document, upload

NAMED = ("mous", "commune", "social_a", "landlord")
NOT_NAMED = ("metropolis", "social_b", "outsider", "admin")
KEEPERS = ("mous", "social_a")
NOT_KEEPERS = ("commune", "landlord", "metropolis", "social_b", "outsider", "admin")
ONLY_PROVIDER_DENIED = ("mous", "commune", "landlord", "metropolis", "social_b", "outsider", "admin")


def _a(w):
    return {"pk": w.household_a.pk}


def _doc(kind, persona="mous"):
    def kwargs(w):
        return {"pk": w.household_a.pk, "document_pk": make_document(w, kind=kind, persona=persona).pk}

    return kwargs


CASES = [
    UrlCase("documents:section", kwargs=_a, allowed=NAMED, denied=NOT_NAMED),
    UrlCase("documents:upload", kwargs=_a, allowed=KEEPERS, denied=NOT_KEEPERS),
    UrlCase(
        "documents:upload",
        kwargs=_a,
        method="post",
        data=lambda w: {"kind": DocumentKind.LEASE, "title": "Bail signé", "file": upload("bail.pdf")},
        allowed=KEEPERS,
        denied=NOT_KEEPERS,
        expected_status=(302,),
    ),
    UrlCase("documents:download", kwargs=_doc(DocumentKind.LEASE), allowed=NAMED, denied=NOT_NAMED),
    UrlCase(
        "documents:download",
        kwargs=_doc(DocumentKind.TAX_NOTICE),
        allowed=("mous", "commune", "social_a"),
        denied=("landlord", *NOT_NAMED),
    ),
    UrlCase(
        "documents:download",
        kwargs=_doc(DocumentKind.SOCIAL, persona="social_a"),
        allowed=("social_a",),
        denied=ONLY_PROVIDER_DENIED,
    ),
    UrlCase(
        "documents:delete",
        kwargs=_doc(DocumentKind.LEASE),
        method="post",
        allowed=("mous",),
        denied=NOT_KEEPERS,
        expected_status=(302,),
    ),
    UrlCase(
        "documents:delete",
        kwargs=_doc(DocumentKind.HEALTH, persona="social_a"),
        method="post",
        allowed=("social_a",),
        denied=ONLY_PROVIDER_DENIED,
        expected_status=(302,),
    ),
]
