"""The access log is for administrators only: everybody else gets 404."""

from tests.access import UrlCase

OTHERS = ("mous", "metropolis", "commune", "social_a", "social_b", "landlord", "outsider")

CASES = [
    UrlCase("audit:index", allowed=("admin",), denied=OTHERS),
    UrlCase(
        "audit:household_reads", kwargs=lambda w: {"pk": w.household_a.pk}, allowed=("admin",), denied=OTHERS
    ),
    UrlCase(
        "audit:user_reads", kwargs=lambda w: {"pk": w.users["social_a"].pk}, allowed=("admin",), denied=OTHERS
    ),
]
