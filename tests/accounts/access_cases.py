"""Account pages: every logged-in persona reaches its own (there is no one else's to reach); the
account security pages are for administrators only (404 for anyone else)."""

from tests.access import UrlCase

EVERYONE = ("metropolis", "commune", "mous", "social_a", "social_b", "landlord", "admin", "outsider")
NOT_ADMIN = ("metropolis", "commune", "mous", "social_a", "social_b", "landlord", "outsider")

CASES = [
    UrlCase("password_change", allowed=EVERYONE, denied=()),
    UrlCase("two_factor", allowed=EVERYONE, denied=()),
    UrlCase("two_factor_enrol", allowed=EVERYONE, denied=()),
    UrlCase("two_factor_qr", allowed=EVERYONE, denied=()),
    UrlCase("two_factor_recovery_codes", allowed=EVERYONE, denied=()),
    # Without a device to verify, the second step sends on to the page asked for.
    UrlCase("two_factor_verify", allowed=EVERYONE, denied=(), expected_status=(302,)),
    UrlCase("security_log", allowed=("admin",), denied=NOT_ADMIN),
    UrlCase("security_log_export", allowed=("admin",), denied=NOT_ADMIN),
    UrlCase("security_accounts", allowed=("admin",), denied=NOT_ADMIN),
    UrlCase(
        "security_unlock_account",
        allowed=("admin",),
        denied=NOT_ADMIN,
        method="post",
        data=lambda world: {"username": "mous"},
        expected_status=(302,),
    ),
    UrlCase(
        "security_unlock_address",
        allowed=("admin",),
        denied=NOT_ADMIN,
        method="post",
        data=lambda world: {"ip_address": "192.0.2.1"},
        expected_status=(302,),
    ),
    UrlCase(
        "security_reset_two_factor",
        kwargs=lambda world: {"pk": world.users["social_a"].pk},
        allowed=("admin",),
        denied=NOT_ADMIN,
        method="post",
        expected_status=(302,),
    ),
]
