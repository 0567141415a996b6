from tests.access import UrlCase

EVERYONE_WITH_AN_ORGANISATION = (
    "mous",
    "metropolis",
    "commune",
    "social_a",
    "social_b",
    "landlord",
    "outsider",
)

CASES = [
    UrlCase("home", allowed=(*EVERYONE_WITH_AN_ORGANISATION, "admin"), denied=()),
    # Lists are scoped (their content is tested in test_pages.py): everyone gets a page, maybe empty.
    UrlCase("project_list", allowed=(*EVERYONE_WITH_AN_ORGANISATION, "admin"), denied=()),
    UrlCase("building_list", allowed=(*EVERYONE_WITH_AN_ORGANISATION, "admin"), denied=()),
    UrlCase(
        "project_detail",
        kwargs=lambda w: {"pk": w.project.pk},
        allowed=("mous", "metropolis", "commune", "social_a", "social_b", "landlord"),
        denied=("outsider", "admin"),
    ),
    UrlCase(
        "building_detail",
        kwargs=lambda w: {"pk": w.building.pk},
        allowed=("mous", "metropolis", "commune", "social_a", "social_b", "landlord"),
        denied=("outsider", "admin"),
    ),
    UrlCase(
        "building_detail",
        kwargs=lambda w: {"pk": w.other_building.pk},
        allowed=("outsider", "metropolis", "social_b"),
        denied=("mous", "commune", "social_a", "landlord", "admin"),
    ),
    # « Ajouter un bâtiment »: the project office of the project only (can_add_building).
    UrlCase(
        "building_create",
        kwargs=lambda w: {"pk": w.project.pk},
        allowed=("mous",),
        denied=("metropolis", "commune", "social_a", "social_b", "landlord", "outsider", "admin"),
    ),
    UrlCase(
        "building_create",
        kwargs=lambda w: {"pk": w.project.pk},
        method="post",
        data=lambda w: {"reference": ""},
        allowed=("mous",),
        denied=("metropolis", "commune", "social_a", "social_b", "landlord", "outsider", "admin"),
    ),
    UrlCase(
        "building_create",
        kwargs=lambda w: {"pk": w.other_project.pk},
        allowed=("outsider",),
        denied=("mous", "metropolis", "commune", "social_a", "social_b", "landlord", "admin"),
    ),
]
