"""A council's day, for locust (bench/soak/load.py starts it). Each simulated user is one of
the council's people (SAFEKEEP_LOAD_PEOPLE: JSON from load.py), signed in on their own
enrolled laptop:

- practitioners, through the pages: their caseload, their case's page, a new entry (the
  form, then the post), a document uploaded and one downloaded, a search of the caseload;
  and over the API, as their council's other systems would: the case list, the case, a note;
- team managers: their team's workload, the access requests waiting for them, the caseload;
- IG officers: the dashboard, what one member of staff accessed, finding a person, the FOI
  report and its CSV.

Requests are named by route, so the figures group by page or call.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

PEOPLE: list[dict[str, Any]] = json.loads(
    Path(os.environ.get("SAFEKEEP_LOAD_PEOPLE", "/nonexistent")).read_text()
    if os.environ.get("SAFEKEEP_LOAD_PEOPLE")
    else "[]"
)
_POOLS = {
    role: itertools.cycle([p for p in PEOPLE if p["role"] == role] or [{}])
    for role in ("practitioner", "team_manager", "ig_officer")
}
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_DOWNLOAD = re.compile(r'href="(/cases/[^/"]+/entries/\d+/download/)"')


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1.0, 3.0)

    def on_start(self) -> None:
        self.person = next(_POOLS[self.role])
        for name, value in self.person.get("cookies", {}).items():
            self.client.cookies.set(name, value)

    def page(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/account/sign-in" in response.url:
                response.failure(f"{response.status_code} at {response.url}")
                return ""
            return str(response.text)

    def post_form(self, form: str, name: str, data: dict[str, str], **kwargs: Any) -> None:
        """The form page, then its post (a 302 on success, as the pages answer)."""
        token = _CSRF.search(self.page(form, f"GET {name}"))
        if token is None:
            return
        with self.client.post(
            form,
            data={"csrfmiddlewaretoken": token.group(1), **data},
            name=f"POST {name}",
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class Practitioner(Person):
    role = "practitioner"
    weight = 10

    def on_start(self) -> None:
        super().on_start()
        self.case = self.person["case_id"]
        self.client.headers.update(self.person["headers"])
        self.notes = 0
        self.downloads: list[str] = []

    @task(3)
    def caseload(self) -> None:
        self.page("/cases/", "/cases/ (caseload)")

    @task(5)
    def case_page(self) -> None:
        self.downloads = _DOWNLOAD.findall(self.page(f"/cases/{self.case}/", "/cases/{id}/"))

    @task(2)
    def add_entry(self) -> None:
        self.notes += 1
        entry = {
            **{"entry_type": "home_visit", "contact_time": "10:30am", "seen": "The family"},
            **{"contact_day": "1", "contact_month": "12", "contact_year": "2026"},
            **{"title": f"Home visit {self.notes}", "body": "Seen at home. " * 30},
        }
        self.post_form(f"/cases/{self.case}/entries/add/", "/cases/{id}/entries/add/", entry)

    @task(1)
    def upload(self) -> None:
        letter = ("letter.txt", b"A letter about the family.\n" * 400, "text/plain")
        self.post_form(
            f"/cases/{self.case}/documents/add/",
            "/cases/{id}/documents/add/",
            {"title": "Letter from school"},
            files={"file": letter},
        )

    @task(1)
    def download(self) -> None:
        if self.downloads:
            self.page(self.downloads[-1], "/cases/{id}/entries/{n}/download/")

    @task(1)
    def search(self) -> None:
        self.page("/cases/?q=Subject", "/cases/?q= (search)")

    @task(3)
    def api_cases(self) -> None:
        self.client.get("/api/v1/cases?page_size=20", name="GET /api/v1/cases")

    @task(3)
    def api_case(self) -> None:
        self.client.get(f"/api/v1/cases/{self.case}", name="GET /api/v1/cases/{id}")

    @task(1)
    def api_note(self) -> None:
        self.notes += 1
        self.client.post(
            f"/api/v1/cases/{self.case}/entries",
            json={"kind": "note", "title": f"Visit {self.notes}", "body": "Seen at home. " * 30},
            name="POST /api/v1/cases/{id}/entries",
        )


class Manager(Person):
    role = "team_manager"
    fixed_count = int(os.environ.get("SAFEKEEP_LOAD_MANAGERS", "0"))

    @task(3)
    def workload(self) -> None:
        self.page("/cases/workload/", "/cases/workload/")

    @task(1)
    def queue(self) -> None:
        self.page("/cases/access-requests/", "/cases/access-requests/ (queue)")

    @task(1)
    def caseload(self) -> None:
        self.page("/cases/", "/cases/ (caseload)")


class Governance(Person):
    role = "ig_officer"
    fixed_count = int(os.environ.get("SAFEKEEP_LOAD_IG", "0"))

    @task(1)
    def dashboard(self) -> None:
        self.page("/audit/", "/audit/")

    @task(3)
    def audit_search(self) -> None:
        self.page("/audit/staff/?staff_id=SOAK000", "/audit/staff/?staff_id= (audit search)")

    @task(1)
    def people(self) -> None:
        self.page("/audit/people/?q=Subject", "/audit/people/?q=")

    @task(1)
    def foi(self) -> None:
        self.page("/governance/foi/", "/governance/foi/")

    @task(1)
    def foi_csv(self) -> None:
        self.page("/governance/foi/download/csv/", "/governance/foi/download/csv/")
