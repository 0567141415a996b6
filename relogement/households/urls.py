from django.urls import path

from relogement.households import census_views, views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("export.<str:fmt>", views.household_export, name="export"),
    path("referent/", views.referent_assign_bulk, name="assign_referent"),
    path("lot/etape/", views.bulk_next_step, name="bulk_step"),
    path("lot/prestataire/", views.bulk_provider, name="bulk_provider"),
    path("lot/comite/", views.bulk_committee, name="bulk_committee"),
    path("lot/ordre-du-jour/", views.bulk_agenda, name="bulk_agenda"),
    path("filtres/", views.saved_filter_save, name="saved_filter_save"),
    path("filtres/<int:pk>/", views.saved_filter_open, name="saved_filter_open"),
    path("filtres/<int:pk>/renommer/", views.saved_filter_rename, name="saved_filter_rename"),
    path("filtres/<int:pk>/supprimer/", views.saved_filter_delete, name="saved_filter_delete"),
    path("recenser/", census_views.census_start, name="census_start"),
    path("recenser/<int:building_pk>/", census_views.census, name="census"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/section/<slug:section>/", views.household_section, name="section"),
    path("<int:pk>/membres/ajouter/", views.member_form, name="member_add"),
    path("<int:pk>/membres/<int:member_pk>/", views.member_form, name="member_edit"),
    path("<int:pk>/membres/<int:member_pk>/retirer/", views.member_remove, name="member_remove"),
    path("<int:pk>/ressources/", views.resources_form, name="resources"),
    path("<int:pk>/diagnostic/", views.diagnosis_add, name="diagnosis_add"),
    path("<int:pk>/souhaits/", views.wishes_form, name="wishes"),
    path("<int:pk>/journal/", views.support_entry_add, name="support_add"),
    path("<int:pk>/etapes/", views.next_step_add, name="step_add"),
    path("<int:pk>/etapes/<int:step_pk>/realisee/", views.next_step_complete, name="step_complete"),
    path("<int:pk>/statut/", views.household_transition_view, name="transition"),
    path("<int:pk>/decohabitation/", views.household_split_view, name="split"),
    path("<int:pk>/prestataire/", views.provider_reassign, name="reassign_provider"),
]
