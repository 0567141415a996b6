"""The users of the load test (``bench_load.py``): each one is a signed-in person of one role who goes
through that role's journey, page after page, thinking 1 to 3 s between two pages.

The plan (``BENCH_LOAD_PLAN``, a JSON file written by ``bench_load.py``) gives per role the session
cookies to use (one per simulated user, created in the database beforehand: no login form, no
two-factor step, no login rate limit) and the URLs of each page kind that the role may see. Requests are
grouped by page kind (``name=``) so that locust's statistics are per kind.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["BENCH_LOAD_PLAN"], encoding="utf-8") as _plan_file:
    PLAN = json.load(_plan_file)
# The journey's order (a role skips the kinds it has no URL for).
JOURNEY = ["home", "list", "page", "search", "file", "dashboard", "offers"]
_roles = itertools.cycle(sorted(PLAN["roles"]))
_sessions = {role: itertools.cycle(spec["sessions"]) for role, spec in PLAN["roles"].items()}


class RoleUser(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.role = next(_roles)
        spec = PLAN["roles"][self.role]
        self.client.cookies.set(PLAN["cookie"], next(_sessions[self.role]))
        self.steps = itertools.cycle([kind for kind in JOURNEY if spec["urls"].get(kind)])
        self.rng = random.Random()

    @task
    def next_page(self):
        kind = next(self.steps)
        url = self.rng.choice(PLAN["roles"][self.role]["urls"][kind])
        with self.client.get(url, name=PLAN["labels"][kind], allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} sur {url}")
