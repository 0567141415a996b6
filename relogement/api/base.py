"""What every API view shares: token authentication (not the login page), the call log, the query
parameters parsed by a serializer (400 with the field), and the read log of named household data."""

from __future__ import annotations

import time
from collections.abc import Iterable

from rest_framework import viewsets

from relogement.api.models import ApiCall, ApiToken
from relogement.audit.services import file_read_record, file_reads_record
from relogement.permissions.predicates import can_view_named_data

# Read-log labels (audit.FileRead.what): the API's reads are told apart from the pages'.
READ_FILE = "API fiche"
READ_FILE_PSEUDONYMISED = "API fiche pseudonymisée"


def log_household_read(user, household, what: str = READ_FILE) -> None:
    """One read of one household file through the API (like the household page: even pseudonymised)."""
    named = can_view_named_data(user)
    file_read_record(user=user, household=household, what=what if named else READ_FILE_PSEUDONYMISED)


def log_household_list_read(user, household_ids: Iterable[int], what: str) -> None:
    """Reads of the households a list showed by name (one insert for a page); a pseudonymised list
    shows no named data and is not a read of anyone's file."""
    if can_view_named_data(user):
        file_reads_record(user=user, household_ids=sorted(set(household_ids)), what=what)


# DRF exempts its views from LoginRequiredMiddleware (a partner system has no login page to go to):
# they authenticate by token and require it (DEFAULT_PERMISSION_CLASSES: IsAuthenticated).
class ApiViewSet(viewsets.GenericViewSet):
    def initialize_request(self, request, *args, **kwargs):
        self._started = time.monotonic()
        return super().initialize_request(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Only what authentication already found: a refused token is not looked up again.
        token = getattr(request, "_auth", None)
        if isinstance(token, ApiToken):
            ApiCall.objects.create(
                token=token,
                method=request.method[:8],
                path=request.path[:250],
                status=response.status_code,
                duration_ms=int((time.monotonic() - getattr(self, "_started", time.monotonic())) * 1000),
            )
        return response

    def query(self, serializer_class) -> dict:
        """The query string parsed by ``serializer_class``: invalid → 400 with the parameter's name."""
        serializer = serializer_class(data=self.request.query_params, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
