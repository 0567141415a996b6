"""The production files, checked as far as possible without Docker (not installed on the CI machine):
compose.yaml parses and describes the stack, the Dockerfile follows its rules, gunicorn's settings
load, every dependency is pinned."""

import re
import runpy
import tomllib
from pathlib import Path

import yaml
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_two_web_servers_a_worker_postgresql_redis_and_a_media_volume():
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"migrate", "web-1", "web-2", "worker", "db", "redis"}
    assert set(compose["volumes"]) >= {"media", "pgdata"}
    published = set()
    for name in ("web-1", "web-2"):
        web = services[name]
        assert web["command"][0] == "gunicorn" and "config.wsgi" in web["command"]
        [port] = web["ports"]
        published.add(port.split(":")[0])
        assert port.endswith(":8000")
    assert len(published) == 2  # two ports, one per server, for the load balancer
    assert services["worker"]["command"] == ["python", "manage.py", "run_huey"]
    assert services["worker"]["stop_signal"] == "SIGINT"  # huey's graceful stop
    for name in ("web-1", "web-2", "worker"):
        service = services[name]
        # What makes the servers interchangeable: the same database, Redis and files.
        assert service["environment"]["DATABASE_URL"].endswith("@db:5432/relogement")
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:6379/")
        assert service["volumes"] == ["media:/data/media"]
        assert service["environment"]["MEDIA_ROOT"] == "/data/media"
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "migrate" in services["migrate"]["command"][-1]
    assert services["db"]["image"].startswith("postgres:") and services["redis"]["image"].startswith("redis:")
    assert "--appendonly" in services["redis"]["command"]  # the queue survives a Redis restart


def test_compose_requires_the_secrets_instead_of_defaulting_them():
    environment = _compose()["services"]["web-1"]["environment"]
    for name in ("SECRET_KEY", "ALLOWED_HOSTS"):
        assert re.fullmatch(r"\$\{" + name + r":\?[^}]+\}", environment[name]), name
    assert ":?" in environment["DATABASE_URL"]


def test_the_dockerfile_builds_a_slim_non_root_image_with_collected_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    # One instruction per logical line (a trailing backslash continues it); comments aside.
    logical = re.sub(r"\\\n", " ", dockerfile).splitlines()
    instructions = [line.split()[0] for line in logical if line.strip() and not line.startswith("#")]
    assert instructions[0] == "FROM" and instructions[-1] == "CMD"
    assert set(instructions) <= {
        "#",
        "FROM",
        "WORKDIR",
        "COPY",
        "RUN",
        "ENV",
        "USER",
        "EXPOSE",
        "HEALTHCHECK",
        "CMD",
        "VOLUME",
    }
    assert re.search(r"^FROM python:3\.1[13]-slim", dockerfile, re.M)
    assert "npm ci" in dockerfile and "collectstatic --no-input" in dockerfile
    assert "libpango-1.0-0" in dockerfile and "libharfbuzz-subset0" in dockerfile
    assert "pyproject.toml" in dockerfile and "pip install -r" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    # The server runs after the switch to that user.
    assert dockerfile.index(f"USER {users[-1]}") < dockerfile.index("CMD")
    assert '"config/gunicorn.conf.py"' in dockerfile
    for copied in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.M):
        for source in copied.split():
            assert (ROOT / source).exists(), source


def test_gunicorns_settings_load_and_are_valid(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("PORT", "8123")
    settings = {
        k: v
        for k, v in runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py")).items()
        if not k.startswith("_")
    }
    config = Config()
    for name, value in settings.items():
        if name in config.settings:
            config.set(name, value)  # gunicorn validates each value
    assert config.workers == 5 and config.bind == ["0.0.0.0:8123"] and config.timeout == 120
    # The application (and the benefits engine it warms up) is loaded once in the master, shared
    # copy-on-write by the workers; each fork first moves the master's objects out of the collector's
    # reach, so that a collection in a worker does not copy their pages.
    assert config.preload_app is True
    import gc

    gc.unfreeze()
    try:
        config.pre_fork(None, None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_every_dependency_is_pinned_to_one_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    loose = [r for r in requirements if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", r)]
    assert not loose, loose
    names = {r.split("==")[0].split("[")[0].lower() for r in project["dependencies"]}
    assert {"gunicorn", "huey", "redis", "sentry-sdk"} <= names
