from tests.access import UrlCase

# Roles with an organisation open the dashboard on their own scope (admin and outsider see their own,
# possibly empty, perimeter); an object outside the scope is a 404.
EVERYONE = ("mous", "metropolis", "commune", "social_a", "social_b", "landlord", "outsider", "admin")
# Perimeters outside the scope (404) are tested in test_views.py, the query string needing the pk.

CASES = [
    UrlCase("indicators:dashboard", allowed=EVERYONE, denied=()),
    UrlCase("indicators:map", allowed=EVERYONE, denied=()),
    UrlCase("indicators:buildings", query="?vue=tous&tri=restant", allowed=EVERYONE, denied=()),
    UrlCase("indicators:perimeter_search", query="?q=ba", allowed=EVERYONE, denied=()),
    UrlCase("indicators:export", query="?format=csv&table=statuts", allowed=EVERYONE, denied=()),
    UrlCase(
        "indicators:drilldown",
        query="?indicateur=avancement.recenses",
        allowed=("mous", "commune", "social_a", "landlord", "outsider"),
        denied=("metropolis", "admin"),
    ),
    UrlCase(
        "indicators:project_report",
        kwargs=lambda w: {"pk": w.project.pk},
        allowed=("mous", "metropolis"),
        denied=("outsider", "admin"),
    ),
]
