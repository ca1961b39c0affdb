"""A small council for the crash test, from the tests' own factories (seconds, not the demo's
minute): one team, N practitioners each with their own allocated case, an account, an API
token and a council laptop in the register with a one-time enrolment code.

Run as `python bench/soak/council.py N` with the server's environment; prints JSON.
"""

from __future__ import annotations

import json
import os
import sys


def main(people: int) -> dict[str, list[dict[str, str]]]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safekeep.settings")
    import django

    django.setup()
    from tests.factories import make_case, make_device, make_staff, make_team, make_user

    from safekeep.api.services import api_token_create
    from safekeep.audit.writing import Origin
    from safekeep.devices.services import enrolment_code_issue

    origin = Origin.command("soak")
    team = make_team("Soak Team")
    workers = []
    for number in range(people):
        staff = make_staff(team=team, staff_id=f"SOAK{number:03d}", email=f"soak{number}@x.example")
        user = make_user(staff)
        case = make_case(team=team, allocated=(staff,))
        _, token = api_token_create(user=user, name="soak", origin=origin)
        device = make_device(asset_tag=f"SOAK-LAP-{number:03d}", staff=staff)
        code = enrolment_code_issue(origin=origin, device=device, issued_by=None)
        workers.append({"case_id": case.case_id, "token": token, "code": code})
    return {"workers": workers}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
