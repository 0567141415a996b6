"""Account pages: every logged-in persona reaches its own (there is no one else's to reach)."""

from tests.access import UrlCase

EVERYONE = ("metropolis", "commune", "mous", "social_a", "social_b", "landlord", "admin", "outsider")

CASES = [
    UrlCase("password_change", allowed=EVERYONE, denied=()),
]
