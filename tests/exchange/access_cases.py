from relogement.exchange.models import ExportJob, ImportJob
from tests.access import UrlCase


def _job(world):
    job = ImportJob.objects.create(
        created_by=world.users["mous"], organisation=world.orgs["mous"], filename="suivi.xlsx", status="done"
    )
    return {"pk": job.pk}


def _export_job(world):
    job = ExportJob.objects.create(
        created_by=world.users["mous"], organisation=world.orgs["mous"], format="xlsx", status="running"
    )
    return {"pk": job.pk}


EVERYONE = ("mous", "metropolis", "commune", "social_a", "social_b", "landlord", "admin", "outsider")

CASES = [
    UrlCase("exchange:home", allowed=EVERYONE, denied=()),
    UrlCase(
        "exchange:import",
        allowed=("mous", "admin", "outsider"),
        denied=("metropolis", "commune", "social_a", "landlord"),
    ),
    UrlCase(
        "exchange:job",
        kwargs=_job,
        allowed=("mous",),
        denied=("outsider", "admin", "metropolis", "commune", "social_a", "landlord"),
    ),
    UrlCase(
        "exchange:job_progress",
        kwargs=_job,
        allowed=("mous",),
        denied=("outsider", "admin", "metropolis", "commune", "social_a", "landlord"),
    ),
    UrlCase("exchange:export", allowed=EVERYONE, denied=()),
    UrlCase(
        "exchange:export",
        query="?format=csv",
        allowed=EVERYONE,
        denied=(),
    ),
    UrlCase(
        "exchange:export_job",
        kwargs=_export_job,
        allowed=("mous",),
        denied=("outsider", "admin", "metropolis", "commune", "social_a", "landlord"),
    ),
    UrlCase(
        "exchange:export_job_progress",
        kwargs=_export_job,
        allowed=("mous",),
        denied=("outsider", "admin", "metropolis", "commune", "social_a", "landlord"),
    ),
    # A running job has no file yet: 404 for everyone, its author included (tested with a finished job
    # in test_export_jobs.py).
    UrlCase(
        "exchange:export_download",
        kwargs=_export_job,
        allowed=(),
        denied=("mous", "outsider", "admin", "metropolis", "commune", "social_a", "landlord"),
    ),
]
