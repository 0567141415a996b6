from django.db.models import Count
from django.shortcuts import render

from relogement.permissions.shortcuts import get_project_for_user
from relogement.projects.models import Project


def home(request):
    projects = Project.objects.visible_to(request.user).select_related("commune").order_by("name")
    return render(request, "projects/home.html", {"projects": projects})


def project_list(request):
    projects = (
        Project.objects.visible_to(request.user)
        .select_related("commune")
        .annotate(buildings_total=Count("buildings"))
    )
    return render(request, "projects/project_list.html", {"projects": projects})


def project_detail(request, pk):
    project = get_project_for_user(request.user, pk)
    return render(request, "projects/project_detail.html", {"project": project})
