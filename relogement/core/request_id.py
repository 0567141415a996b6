"""A request id on every request, its response and every log line written while it is handled.

The id comes from the ``X-Request-ID`` header when a proxy in front set a well-formed one (so that its
access log and ours share it), else it is generated. It is kept in a context variable, which
``RequestIdFilter`` copies onto each log record; the tasks a request enqueues carry it to the worker
(``exchange/tasks.py``), so that one id follows an export from the click to the e-mail.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import time
import uuid

HEADER = "X-Request-ID"
# Letters, digits and - _ . : only, at most 100: anything else could forge lines in a log.
_WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{1,100}")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
access_log = logging.getLogger("relogement.access")


def current_request_id() -> str:
    return _current.get()


@contextlib.contextmanager
def request_id_context(request_id: str):
    token = _current.set(request_id)
    try:
        yield
    finally:
        _current.reset(token)


def _incoming(request) -> str:
    value = request.headers.get(HEADER, "")
    return value if _WELL_FORMED.fullmatch(value) else ""


class RequestIdMiddleware:
    """Sets ``request.id`` and the ``X-Request-ID`` response header, and writes one access line per
    request (logger ``relogement.access``: method, path without its query string, which may hold a
    searched name, status, duration, user id). First in MIDDLEWARE, so that every line has the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = _incoming(request) or uuid.uuid4().hex
        started = time.monotonic()
        with request_id_context(request.id):
            response = self.get_response(request)
            user = getattr(request, "user", None)
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(1000 * (time.monotonic() - started)),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
        response[HEADER] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (empty outside a request or a task started by one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
