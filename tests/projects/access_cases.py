from tests.access import UrlCase

CASES = [
    UrlCase("home", allowed=("mous", "metropolis", "social_a", "landlord", "commune"), denied=()),
    UrlCase("project_list", allowed=("mous", "metropolis", "outsider"), denied=()),
    UrlCase(
        "project_detail",
        kwargs=lambda w: {"pk": w.project.pk},
        allowed=("mous", "metropolis", "commune", "social_a", "landlord"),
        denied=("outsider", "admin"),
    ),
]
