from tests.access import UrlCase

# The simulator holds no household data: every operational role uses it, including an organisation
# outside the projects (``outsider``); the administrator organisation does not (configuration only).
CASES = [
    UrlCase(
        "benefits:simulator",
        allowed=("metropolis", "commune", "mous", "social_a", "social_b", "landlord", "outsider"),
        denied=("admin",),
    ),
]

# Potential rights are a social-support matter: the assigned provider only (like the social notes).
CASES.append(
    UrlCase(
        "benefits:potential_rights",
        kwargs=lambda world: {"pk": world.household_a.pk},
        allowed=("social_a",),
        denied=("metropolis", "commune", "mous", "social_b", "landlord", "outsider", "admin"),
    )
)
