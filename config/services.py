"""Settings of the shared services: cache, task queue, file storage, error reports.

Each is chosen from the environment so that the same code runs the demo on one machine (local-memory
cache, SQLite task queue, files under MEDIA_ROOT) and a production of several servers (Redis, object
storage or a shared volume). docs/operations.md § Production stack.
"""

from __future__ import annotations

from pathlib import Path

from config.env import env_str

# Redis answers within milliseconds on its network; a dead one must fail a request, not hang it.
REDIS_CONNECT_TIMEOUT = 2


def cache_settings(redis_url: str) -> dict:
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "relogement",
            "OPTIONS": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT, "socket_timeout": 5},
        }
    }


def huey_settings(*, redis_url: str, sqlite_path: Path, immediate: bool, workers: int) -> dict:
    """huey.contrib.djhuey's settings: RedisHuey with a URL, else SqliteHuey on a file of this machine."""
    if redis_url:
        import redis

        # The worker waits for tasks with a blocking read of 1 s: the socket must wait longer.
        pool = redis.ConnectionPool.from_url(
            redis_url, socket_connect_timeout=REDIS_CONNECT_TIMEOUT, socket_timeout=10
        )
        backend, connection = "huey.RedisHuey", {"connection_pool": pool}
    else:
        if not immediate:
            sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        backend, connection = "huey.SqliteHuey", {"filename": str(sqlite_path)}
    return {
        "name": "relogement",
        "huey_class": backend,
        # djhuey's default is DEBUG: the demo (DEBUG) must still run its tasks in the worker.
        "immediate": immediate,
        "connection": connection,
        # Tasks wait on the database and on files more than on the processor: threads suffice.
        "consumer": {"workers": workers, "worker_type": "thread"},
    }


def storage_settings() -> dict:
    """The default storage: S3-compatible object storage when S3_BUCKET is set (django-storages, the
    optional dependency ``relogement[s3]``), else the file system under MEDIA_ROOT."""
    bucket = env_str("S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        # Private objects, never listed publicly; no URL is ever handed out (downloads go through views).
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "location": env_str("S3_PREFIX", "relogement"),
    }
    for option, variable in (
        ("endpoint_url", "S3_ENDPOINT_URL"),
        ("region_name", "S3_REGION"),
        ("access_key", "S3_ACCESS_KEY_ID"),
        ("secret_key", "S3_SECRET_ACCESS_KEY"),
    ):
        value = env_str(variable, "")
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def _without_request_data(event, hint):
    # A query string may hold a searched name; bodies hold form data (social notes).
    request = event.get("request") or {}
    for key in ("query_string", "data", "cookies"):
        request.pop(key, None)
    return event


def init_sentry(dsn: str, *, environment: str, traces_sample_rate: float) -> None:
    """Error reports without personal data: no user details, no local variables (a frame's variables
    may hold a household), no request body or query string."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=_without_request_data,
    )
