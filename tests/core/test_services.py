"""The shared services chosen from the environment (config/services.py): the demo's single machine by
default, Redis and object storage when configured."""

import pytest
from django.core.cache.backends.redis import RedisCache
from huey import RedisHuey, SqliteHuey
from huey.contrib.djhuey import HUEY
from huey.storage import MemoryStorage

from config.services import cache_settings, huey_settings, storage_settings


def test_without_redis_the_cache_is_per_process_and_the_queue_a_sqlite_file(tmp_path):
    assert cache_settings("")["default"]["BACKEND"].endswith("LocMemCache")
    config = huey_settings(
        redis_url="", sqlite_path=tmp_path / "var" / "tasks.sqlite3", immediate=False, workers=2
    )
    assert config["huey_class"] == "huey.SqliteHuey" and config["immediate"] is False
    huey = SqliteHuey(config["name"], **config["connection"])
    huey.enqueue(huey.task()(lambda: None).s())
    assert huey.pending_count() == 1 and (tmp_path / "var" / "tasks.sqlite3").is_file()


def test_with_redis_the_cache_and_the_queue_are_shared():
    cache = cache_settings("redis://redis.internal:6379/1")["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    backend = RedisCache(cache["LOCATION"], {k: v for k, v in cache.items() if k != "LOCATION"})
    pool = backend._cache._get_connection_pool(write=True)
    assert pool.connection_kwargs["host"] == "redis.internal" and pool.connection_kwargs["db"] == 1
    assert pool.connection_kwargs["socket_connect_timeout"] == 2
    config = huey_settings(
        redis_url="redis://redis.internal:6379/2", sqlite_path=None, immediate=False, workers=4
    )
    huey = RedisHuey(config["name"], **config["connection"])
    assert huey.storage.pool.connection_kwargs["db"] == 2
    assert config["consumer"] == {"workers": 4, "worker_type": "thread"}


def test_tests_run_tasks_at_once_in_memory():
    assert HUEY.immediate and isinstance(HUEY.storage, MemoryStorage)


def test_the_default_storage_is_the_file_system_unless_a_bucket_is_configured(monkeypatch):
    monkeypatch.delenv("S3_BUCKET", raising=False)
    assert storage_settings() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_gives_private_object_storage(monkeypatch):
    storages_s3 = pytest.importorskip("storages.backends.s3")
    monkeypatch.setenv("S3_BUCKET", "relogement-fichiers")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://s3.example.org")
    monkeypatch.setenv("S3_REGION", "fr-par")
    monkeypatch.setenv("S3_ACCESS_KEY_ID", "cle")
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY", "secret")
    config = storage_settings()
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    # Every option is one django-storages knows (it refuses the others).
    storage = storages_s3.S3Storage(**config["OPTIONS"])
    assert storage.bucket_name == "relogement-fichiers" and storage.default_acl == "private"
    assert storage.file_overwrite is False and storage.location == "relogement"
    assert storage.endpoint_url == "https://s3.example.org"
