"""The address a request comes from, for the login throttling and the security log.

Behind a reverse proxy every request comes from the proxy's address: ``CLIENT_IP_HEADER`` (environment
``RELOGEMENT_CLIENT_IP_HEADER``, e.g. ``X-Forwarded-For`` or ``X-Real-IP``) names the header in which
the proxy writes the client's address. Of a list (``X-Forwarded-For: a, b``) the last entry is taken:
it is the one the proxy itself appended, whereas the client may have sent the earlier ones. Without
the setting, or when the header is missing or holds no valid address, ``REMOTE_ADDR`` is used: a
header is never trusted unless the deployment says a proxy writes it (docs/operations.md).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header:
        value = request.headers.get(header, "")
        if value:
            found = _valid(value.split(",")[-1])
            if found:
                return found
    return _valid(request.META.get("REMOTE_ADDR", "") or "")
