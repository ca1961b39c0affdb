"""A practitioner's day over the API, for locust (bench/soak/load.py starts it): the
caseload, the case page, and now and then a new case note. Each simulated user is one of
the council's practitioners (SAFEKEEP_LOAD_PEOPLE: JSON from load.py) on their own enrolled
laptop, working their own allocated case.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

PEOPLE: list[dict[str, Any]] = json.loads(
    Path(os.environ.get("SAFEKEEP_LOAD_PEOPLE", "/nonexistent")).read_text()
    if os.environ.get("SAFEKEEP_LOAD_PEOPLE")
    else "[]"
)
_next = itertools.count()


class Practitioner(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        person = PEOPLE[next(_next) % len(PEOPLE)]
        self.case_id = person["case_id"]
        self.client.headers.update(person["headers"])
        self.notes = 0

    @task(3)
    def caseload(self) -> None:
        self.client.get("/api/v1/cases?page_size=20", name="GET /api/v1/cases")

    @task(5)
    def case_page(self) -> None:
        self.client.get(f"/api/v1/cases/{self.case_id}", name="GET /api/v1/cases/{id}")

    @task(2)
    def add_note(self) -> None:
        self.notes += 1
        self.client.post(
            f"/api/v1/cases/{self.case_id}/entries",
            json={"kind": "note", "title": f"Visit {self.notes}", "body": "Seen at home. " * 30},
            name="POST /api/v1/cases/{id}/entries",
        )
