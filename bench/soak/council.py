"""A small council for the soak tests, from the tests' own factories (seconds, not the demo's
minute): one team, N practitioners each with their own allocated case, an account, an API
token and a council laptop in the register with a one-time enrolment code.

With `--pages`, each person also has a browser session as the web app's sign-in leaves it
(password and authenticator app passed; the laptop's device credential as its cookie), and
the team has `--managers` team managers and `--ig` IG officers besides. Accounts have no
usable password (hashing hundreds with Argon2 would take minutes): the sessions are made
directly, as the tests' `sign_in` makes them.

Run as `python bench/soak/council.py N [--pages --managers M --ig K]` with the server's
environment; prints JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
from typing import Any


def main(people: int, *, pages: bool = False, managers: int = 0, ig: int = 0) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safekeep.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from tests import factories
    from tests.factories import make_case, make_device, make_staff, make_team, sign_in

    from safekeep.accounts.models import User
    from safekeep.api.services import api_token_create
    from safekeep.audit.writing import Origin
    from safekeep.devices.conf import DEVICE_COOKIE
    from safekeep.devices.services import enrolment_code_issue

    origin = Origin.command("soak")
    # Past the demo council's numbers (bench/soak/long_jobs.py loads it first).
    factories._ids = itertools.count(900_001)
    team = make_team("Soak Team")
    cast = [("practitioner", people), ("team_manager", managers), ("ig_officer", ig)]
    workers: list[dict[str, Any]] = []
    number = 0
    for role, count in cast:
        for _ in range(count):
            staff = make_staff(
                team=team,
                roles=(role,),
                staff_id=f"SOAK{number:03d}",
                email=f"soak{number}@x.example",
            )
            user = User.objects.create_user(username=staff.email, email=staff.email)
            user.staff = staff
            user.save()
            person: dict[str, Any] = {"role": role, "staff_id": staff.staff_id}
            if role == "practitioner":
                person["case_id"] = make_case(team=team, allocated=(staff,)).case_id
                _, person["token"] = api_token_create(user=user, name="soak", origin=origin)
                device = make_device(asset_tag=f"SOAK-LAP-{number:03d}", staff=staff)
                person["code"] = enrolment_code_issue(origin=origin, device=device, issued_by=None)
            if pages:
                client = sign_in(Client(), user)
                names = (settings.SESSION_COOKIE_NAME, DEVICE_COOKIE)
                person["cookies"] = {name: client.cookies[name].value for name in names}
            workers.append(person)
            number += 1
    return {"workers": workers}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("people", type=int)
    parser.add_argument("--pages", action="store_true")
    parser.add_argument("--managers", type=int, default=0)
    parser.add_argument("--ig", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(main(args.people, pages=args.pages, managers=args.managers, ig=args.ig)))
