import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Map shapes and indicator figures are cached; each test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()
