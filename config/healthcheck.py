"""The container's health check: GET /sante/ on this server, as a load balancer would (exit 0 when
it answers 200). The Host header is the first of ALLOWED_HOSTS, which Django requires."""

import os
import sys
import urllib.error
import urllib.request

host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip()
port = os.environ.get("PORT", "8000")
request = urllib.request.Request(f"http://127.0.0.1:{port}/sante/", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=8) as response:
        sys.exit(0 if response.status == 200 else 1)
except (urllib.error.URLError, OSError) as error:
    print(f"/sante/ : {error}", file=sys.stderr)
    sys.exit(1)
