"""The access log: reads are recorded with who, when, which household and organisation; an
administrator lists them per household and per user; everybody else gets 404."""

from django.urls import reverse

from relogement.audit.models import FileRead


def test_admin_lists_reads_per_household_and_per_user(world):
    world.client_for("social_a").get(reverse("households:detail", args=[world.household_a.pk]))
    world.client_for("mous").get(reverse("households:detail", args=[world.household_a.pk]))
    world.client_for("mous").get(reverse("households:detail", args=[world.household_b.pk]))
    assert FileRead.objects.count() == 3
    admin = world.client_for("admin")
    per_household = admin.get(reverse("audit:household_reads", args=[world.household_a.pk]))
    assert per_household.context["page"].paginator.count == 2
    html = per_household.content.decode()
    assert "Prestataire A" in html and "MOUS Concorde" in html
    assert "Famille Martin" not in html  # the log shows references, not the file
    per_user = admin.get(reverse("audit:user_reads", args=[world.users["mous"].pk]))
    assert {r.household.reference for r in per_user.context["page"].object_list} == {"CONC-001", "CONC-002"}
    assert admin.get(reverse("audit:index")).context["page"].paginator.count == 3


def test_superuser_without_admin_organisation_may_read_the_log(world):
    world.users["outsider"].is_superuser = True
    world.users["outsider"].save()
    assert world.client_for("outsider").get(reverse("audit:index")).status_code == 200


def test_others_get_404(world):
    for persona in ("social_a", "mous", "metropolis", "commune", "landlord"):
        client = world.client_for(persona)
        assert client.get(reverse("audit:index")).status_code == 404
        assert client.get(reverse("audit:household_reads", args=[world.household_a.pk])).status_code == 404


def test_file_read_admin_is_read_only(world, client, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(superuser)
    admin_client = client
    world.client_for("commune").get(reverse("households:detail", args=[world.household_a.pk]))
    read = FileRead.objects.get()
    assert admin_client.get(reverse("admin:audit_fileread_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:audit_fileread_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:audit_fileread_delete", args=[read.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert FileRead.objects.count() == 1


def test_menu_entry_for_administrators_only(world):
    url = reverse("audit:index")
    assert f'href="{url}"' in world.client_for("admin").get(reverse("home")).content.decode()
    assert f'href="{url}"' not in world.client_for("social_a").get(reverse("home")).content.decode()


def test_reads_follow_deletions_without_database_constraints(world):
    """The read log has no foreign-key constraint in the database (an export writes tens of thousands of
    rows at once): Django applies on_delete itself. A household's reads go with it, a user who read
    files cannot be deleted, a deleted organisation leaves its reads without organisation."""
    import pytest
    from django.db.models import ProtectedError

    from relogement.households.models import HouseholdStatusChange
    from tests import factories

    bare = factories.HouseholdFactory(building=world.building, project=world.project)
    mous = world.users["mous"]
    FileRead.objects.create(household=bare, user=mous, organisation=world.orgs["mous"])
    world.client_for("mous").get(reverse("households:detail", args=[world.household_b.pk]))
    read_b = FileRead.objects.get(household=world.household_b)
    HouseholdStatusChange.objects.filter(household=bare).delete()  # protected: kept unless erased first
    bare.delete()
    assert not FileRead.objects.filter(household_id=bare.pk).exists()
    with pytest.raises(ProtectedError):
        mous.delete()
    gone = factories.OrganisationFactory(name="Dissoute")
    FileRead.objects.filter(pk=read_b.pk).update(organisation=gone)
    gone.delete()
    read_b.refresh_from_db()
    assert read_b.organisation_id is None
