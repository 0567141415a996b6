from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "relogement.projects"
    label = "projects"
