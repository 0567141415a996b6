"""The HTTP side of scripts/smoke_prod.sh: one browser session across two application servers.

Run with the smoke test's environment (it reads the database through Django to check the export and
the e-mail against the data). Exits non-zero, with a French message, at the first failed check.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import http.cookiejar
import io
import json
import mailbox
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

LOGIN = ("mous", os.environ.get("DEMO_PASSWORD", "demo-relogement"))


class Browser:
    """Cookies shared by both servers (a cookie belongs to a host, not to a port)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url, **params):
        if params:
            url += "?" + urllib.parse.urlencode(params)
        return self._open(urllib.request.Request(url))

    def post(self, url, data, referer):
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(url, data=body, headers={"Referer": referer}))

    def _open(self, request):
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.geturl(), dict(response.headers), response.read()

    def cookie(self, name):
        return next(c.value for c in self.jar if c.name == name)


def check(condition, message):
    if not condition:
        print(f"ÉCHEC : {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok : {message}")


def wait_healthy(base):
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/sante/", timeout=5) as response:
                body = json.loads(response.read())
                if response.status == 200:
                    return body
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    check(False, f"{base}/sante/ répond 200 dans les 90 s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--web1", required=True)
    parser.add_argument("--web2", required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--logs", nargs="+", required=True)
    args = parser.parse_args()
    web1, web2 = args.web1, args.web2

    for base in (web1, web2):
        health = wait_healthy(base)
        checks = health["checks"]
        check(
            health["status"] == "ok"
            and all(checks[name]["ok"] for name in ("database", "cache", "queue", "migrations")),
            f"{base}/sante/ : base, cache, file de tâches, migrations",
        )

    browser = Browser()
    status, _, _, _ = browser.get(web1 + "/connexion/")
    check(status == 200, "page de connexion (instance 1)")
    status, url, _, _ = browser.post(
        web1 + "/connexion/",
        {"username": LOGIN[0], "password": LOGIN[1], "csrfmiddlewaretoken": browser.cookie("csrftoken")},
        referer=web1 + "/connexion/",
    )
    check(
        status == 200 and urllib.parse.urlparse(url).path == "/", f"connexion de « {LOGIN[0]} » (instance 1)"
    )

    status, url, headers, _ = browser.get(web1 + "/echanges/export/", format="xlsx")
    match = re.fullmatch(r"/echanges/export/(\d+)/", urllib.parse.urlparse(url).path)
    check(status == 200 and match is not None, "l'export devient une tâche de fond (instance 1)")
    job_path = match.group(0)

    deadline = time.monotonic() + 300
    polls = 0
    while True:
        status, _, _, body = browser.get(web2 + job_path + "progression/")
        page, polls = body.decode(), polls + 1
        if status != 200 or "hx-trigger" not in page or time.monotonic() > deadline:
            break
        time.sleep(1)
    check(status == 200, f"progression suivie sur l'instance 2 avec la même session ({polls} lecture(s))")
    check("L'export est prêt" in page.replace("&#x27;", "'"), "le serveur de tâches a écrit l'export")

    status, _, headers, content = browser.get(web2 + job_path + "fichier/")
    filename = re.search(r'filename="([^"]+)"', headers.get("Content-Disposition", ""))
    check(status == 200 and content[:2] == b"PK" and filename, "fichier téléchargé par l'instance 2")
    request_id = headers.get("X-Request-ID", "")
    check(re.fullmatch(r"[0-9a-f]{32}", request_id) is not None, "la réponse porte un X-Request-ID")

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from relogement.accounts.models import User
    from relogement.exchange.models import ExportJob
    from relogement.exchange.readers import read_upload
    from relogement.households.models import Household, HouseholdMember

    user = User.objects.get(username=LOGIN[0])
    job = ExportJob.objects.get(pk=int(match.group(1)))
    user.active_organisation = job.organisation
    expected = set(Household.objects.visible_to(user).values_list("reference", flat=True))
    sheets = read_upload(io.BytesIO(content), filename.group(1))
    exported = {values[0] for _, values in sheets["menages"].rows}
    check(
        exported == expected and len(expected) > int(os.environ["EXCHANGE_EXPORT_INLINE_MAX"]),
        f"le fichier contient les {len(expected)} ménages du périmètre",
    )

    # The export's e-mail, among whatever else the worker sends meanwhile: its periodic alert tasks run
    # as soon as it starts and may e-mail the demo's users their immediate alerts.
    subject = "Votre export est prêt"

    def received() -> list:
        if not Path(args.maildir, "new").is_dir():
            return []
        return [
            message
            for m in mailbox.Maildir(args.maildir, create=False)
            if (message := email.message_from_bytes(m.as_bytes(), policy=email.policy.default))["Subject"]
            == subject
        ]

    deadline = time.monotonic() + 60
    messages = []
    while not messages and time.monotonic() < deadline:
        messages = received()
        time.sleep(1)
    check(len(messages) == 1, f"un courriel « {subject} » (objet en français) reçu par le puits SMTP")
    time.sleep(2)  # a second one, had the export been announced twice
    check(len(received()) == 1, "un seul courriel pour cet export")
    message = messages[0]
    body = message.get_body(preferencelist=("plain",)).get_content()
    check(message["To"] == user.email, f"adressé à l'auteur ({user.email})")
    check(f"{web1}{job_path}" in body and job.filename in body, "lien vers la page de l'export")
    check("Bonjour" in body and "conservé" in body, "texte en français")
    names = set(Household.objects.values_list("reference", flat=True))
    names |= set(Household.objects.exclude(reference_name="").values_list("reference_name", flat=True))
    for first, last in HouseholdMember.objects.values_list("first_name", "last_name"):
        names |= {f"{first} {last}", last}
    leaked = sorted(name for name in names if name and re.search(rf"\b{re.escape(name)}\b", body))
    check(not leaked, f"aucune donnée de ménage dans le courriel ({len(names)} noms et références cherchés)")

    lines = [
        json.loads(line)
        for path in args.logs
        for line in Path(path).read_text().splitlines()
        if line.startswith("{")
    ]
    access = [line for line in lines if line.get("logger") == "relogement.access"]
    check(
        any(line["request_id"] == request_id and line["path"] == job_path + "fichier/" for line in access),
        "journal JSON de l'instance 2 avec l'identifiant de requête du téléchargement",
    )


if __name__ == "__main__":
    main()
