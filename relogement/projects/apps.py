from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "relogement.projects"
    verbose_name = "Projets"
    label = "projects"
