from django.urls import path

from relogement.governance import views, views_groups

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("comites/nouveau/", views.committee_create, name="committee_create"),
    path("comites/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("comites/<int:pk>/modifier/", views.committee_edit, name="committee_edit"),
    path("comites/<int:pk>/compte-rendu.pdf", views.committee_minutes, name="committee_minutes"),
    path("comites/<int:pk>/etat/<str:action>/", views.committee_action, name="committee_action"),
    path("comites/<int:pk>/ajouter/", views.case_add, name="case_add"),
    path("comites/<int:pk>/dossiers/<int:case_pk>/", views.case_summary, name="case_summary"),
    path("comites/<int:pk>/dossiers/<int:case_pk>/retirer/", views.case_remove, name="case_remove"),
    path("comites/<int:pk>/dossiers/<int:case_pk>/decision/", views.case_decide, name="case_decide"),
    path("comites/<int:pk>/actions/<int:action_pk>/", views.action_update, name="action_update"),
    path("menages/<int:household_pk>/signaler/", views.flag_household, name="flag"),
    path("caleol/nouvelle/", views.commission_create, name="commission_create"),
    path("caleol/<int:pk>/", views.commission_detail, name="commission_detail"),
    path("caleol/<int:pk>/etat/<str:action>/", views.commission_action, name="commission_action"),
    path("caleol/<int:pk>/ajouter/", views.commission_item_add, name="commission_item_add"),
    path(
        "caleol/<int:pk>/dossiers/<int:item_pk>/retirer/",
        views.commission_item_remove,
        name="commission_item_remove",
    ),
    path(
        "caleol/<int:pk>/dossiers/<int:item_pk>/confirmer/",
        views.commission_confirm_rank,
        name="commission_confirm_rank",
    ),
    path(
        "caleol/<int:pk>/dossiers/<int:item_pk>/decision/", views.commission_decide, name="commission_decide"
    ),
    # Thematic working groups (issue 15 point 3).
    path("groupes/", views_groups.group_list, name="group_list"),
    path("groupes/nouveau/", views_groups.group_create, name="group_create"),
    path("groupes/<int:pk>/", views_groups.group_detail, name="group_detail"),
    path("groupes/<int:pk>/membres/", views_groups.group_members, name="group_members"),
    path(
        "groupes/<int:pk>/reunions/nouvelle/", views_groups.group_meeting_create, name="group_meeting_create"
    ),
    path("groupes/<int:pk>/reunions/<int:meeting_pk>/", views_groups.group_meeting, name="group_meeting"),
    path(
        "groupes/<int:pk>/reunions/<int:meeting_pk>/compte-rendu/",
        views_groups.group_minutes,
        name="group_minutes",
    ),
    path(
        "groupes/<int:pk>/reunions/<int:meeting_pk>/indicateurs/",
        views_groups.group_snapshot,
        name="group_snapshot",
    ),
    path(
        "groupes/<int:pk>/reunions/<int:meeting_pk>/decisions/",
        views_groups.group_decision,
        name="group_decision",
    ),
    path(
        "groupes/<int:pk>/actions/<int:action_pk>/",
        views_groups.group_action_update,
        name="group_action_update",
    ),
]
