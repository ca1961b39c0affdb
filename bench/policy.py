"""Access policy benchmark (issue 3): decide(), load + decide, and the first page of visible_cases.

`main()` runs each database in its own subprocess (fresh settings and database), generates a
council with bulk inserts, and returns the figures with the data size stated. The issue's
full size (100,000 cases, 600 staff, 1,000,000 entries) takes too long to generate on a
shared 2-core machine, so the default is smaller; `--size CASES` (or SAFEKEEP_BENCH_POLICY_SIZE)
sets the number of cases (entries are ten per case). One team always owns 20,000 cases (or
all of them, when fewer) and one practitioner holds exactly 30.

PostgreSQL comes from SAFEKEEP_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/
postgres), where a `safekeep_bench_policy` database is created and dropped; skipped if unreachable.

    python bench/policy.py [--size CASES]        # both databases, prints JSON
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from _common import PG_ADMIN_URL, WORKER_PYTHONPATH, pg_admin, setup_django

PG_DB = "safekeep_bench_policy"
DEFAULT_SIZE = int(os.environ.get("SAFEKEEP_BENCH_POLICY_SIZE", "30000"))
# Rounds of the request ratios (each address once a round), the first sixth to warm up.
REQUEST_ROUNDS = int(os.environ.get("SAFEKEEP_BENCH_POLICY_ROUNDS", "600"))
STAFF = 600
TEAMS = 20
ENTRIES_PER_CASE = 10
BIG_TEAM_CASES = 20_000
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- worker side (inside a configured Django) ---------------------------------------------


def _generate(size: int, rng: random.Random) -> dict[str, Any]:
    """A council: 20 teams, 600 staff, `size` cases, ten entries each, allocations and grants."""
    from django.db import transaction

    from safekeep.organisation.models import Directorate, StaffMember, StaffRole, Team
    from safekeep.records.models import AccessGrant, Allocation, Case, Entry, Subject

    batch = 5000
    with transaction.atomic():
        directorate = Directorate.objects.create(name="Family Services")
        teams = Team.objects.bulk_create(
            Team(name=f"Team {n:02d}", directorate=directorate) for n in range(TEAMS)
        )
        staff = StaffMember.objects.bulk_create(
            StaffMember(
                staff_id=f"S{n:05d}",
                given_name="Staff",
                family_name=f"{n:05d}",
                email=f"s{n}@council.example",
                directorate=directorate,
                team=teams[n % TEAMS],
                employment_type="employee",
                works_with_vulnerable_people=True,
                work_pattern="flexible",
                start_date=dt.date(2020, 1, 1),
            )
            for n in range(STAFF)
        )
        roles = [
            StaffRole(staff=s, role="team_manager" if n < TEAMS else "practitioner")
            for n, s in enumerate(staff)
        ]
        StaffRole.objects.bulk_create(roles)
        big = min(BIG_TEAM_CASES, size)
        subjects = Subject.objects.bulk_create(
            (
                Subject(
                    subject_id=f"P{n:07d}",
                    kind="child",
                    given_name="Subject",
                    family_name=f"{n:07d}",
                    restricted=n % 50 == 0,
                )
                for n in range(size)
            ),
            batch_size=batch,
        )
        cases = Case.objects.bulk_create(
            (
                Case(
                    case_id=f"C{n:07d}",
                    subject=subjects[n],
                    owning_team=teams[0] if n < big else teams[1 + n % (TEAMS - 1)],
                    classification="OFFICIAL-SENSITIVE" if n % 3 == 0 else "OFFICIAL",
                    opened_on=dt.date(2025, 1, 1),
                )
                for n in range(size)
            ),
            batch_size=batch,
        )
        practitioners = staff[TEAMS:]
        the_practitioner = practitioners[0]
        allocations = [
            Allocation(
                case=cases[n],
                staff=the_practitioner,
                role="allocated_worker",
                starts_on=dt.date(2026, 1, 1),
            )
            for n in rng.sample(range(size), 30)
        ]
        taken = {a.case_id for a in allocations}
        others = practitioners[1:]
        allocations.extend(
            Allocation(
                case=case,
                staff=others[n % len(others)],
                role="allocated_worker",
                starts_on=dt.date(2026, 1, 1),
                ends_on=None if n % 10 else dt.date(2026, 6, 1),
            )
            for n, case in enumerate(cases)
            if case.pk not in taken
        )
        Allocation.objects.bulk_create(allocations, batch_size=batch)
        AccessGrant.objects.bulk_create(
            (
                AccessGrant(
                    case=cases[rng.randrange(size)],
                    grantee=rng.choice(others),
                    actions="view add_entry",
                    reason="bench",
                    status="approved",
                    starts_at=NOW - dt.timedelta(days=1),
                    expires_at=NOW + dt.timedelta(days=rng.choice([-2, 7])),
                )
                for _ in range(size // 20)
            ),
            batch_size=batch,
        )
        created = NOW - dt.timedelta(days=30)
        for start in range(0, size, batch):
            Entry.objects.bulk_create(
                Entry(
                    case=case,
                    kind="note",
                    sensitive=k == 0,
                    author=staff[TEAMS],
                    created_at=created,
                    contact_at=created,
                )
                for case in cases[start : start + batch]
                for k in range(ENTRIES_PER_CASE)
            )
    return {"the_practitioner": the_practitioner, "manager": staff[0], "cases": cases}


def worker(size: int) -> dict[str, Any]:
    rng = random.Random(3)
    with tempfile.TemporaryDirectory(prefix="safekeep-bench-policy-") as data_dir:
        setup_django(data_dir)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from tests.factories import LAPTOP_FACTS

        from safekeep.access.context import command_context
        from safekeep.access.facts import actor_facts, case_facts
        from safekeep.access.policy import decide
        from safekeep.access.queries import visible_cases
        from safekeep.organisation.models import StaffMember
        from safekeep.records.models import Allocation, Case, Entry

        started = time.perf_counter()
        world = _generate(size, rng)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
        generate_s = time.perf_counter() - started
        # Requests from an enrolled, compliant council laptop: the device rules allow content.
        laptop = replace(LAPTOP_FACTS, label="council laptop LAP-BENCH", asset_tag="")
        context = command_context(NOW, device=laptop)
        practitioner, manager = world["the_practitioner"], world["manager"]

        # decide() alone, on loaded facts (an allocated worker: the common, allowed path).
        allocated_case = Case.objects.filter(allocations__staff=practitioner).first()
        assert allocated_case is not None
        actor = actor_facts(practitioner, today=TODAY)
        facts = case_facts(allocated_case, practitioner)
        refused_facts = case_facts(
            Case.objects.exclude(allocations__staff=practitioner)[0], practitioner
        )
        timings = []
        clock = time.perf_counter_ns
        for n in range(100_000):
            resource = facts if n % 2 else refused_facts
            start_ns = clock()
            decide(actor, "view", resource, context)
            timings.append((clock() - start_ns) / 1000)

        # Load the facts and decide, for random people and cases.
        staff_ids = list(StaffMember.objects.values_list("pk", flat=True))
        people = {s.pk: s for s in StaffMember.objects.all()}
        case_pks = list(Case.objects.values_list("pk", flat=True))
        pairs = [(people[rng.choice(staff_ids)], rng.choice(case_pks)) for _ in range(2000)]
        cases_by_pk = Case.objects.in_bulk([pk for _, pk in pairs])
        load_times = []
        query_counts = []
        for staff, case_pk in pairs:
            case = cases_by_pk[case_pk]
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                decide(actor_facts(staff, today=TODAY), "view", case_facts(case, staff), context)
                load_times.append((time.perf_counter() - t0) * 1000)
            query_counts.append(len(queries))

        def first_page(person: StaffMember) -> tuple[list[float], int]:
            times = []
            rows = 0
            for _ in range(100):
                t0 = time.perf_counter()
                rows = len(list(visible_cases(person, context).order_by("case_id")[:50]))
                times.append((time.perf_counter() - t0) * 1000)
            return times, rows

        practitioner_times, practitioner_rows = first_page(practitioner)
        manager_times, manager_rows = first_page(manager)
        api_ratio, case_page_ratio = _api_against_bare_view(practitioner, laptop, context)
        return {
            "engine": connection.vendor,
            "data": {
                "cases": Case.objects.count(),
                "staff": StaffMember.objects.count(),
                "entries": Entry.objects.count(),
                "allocations": Allocation.objects.count(),
                "practitioner_cases": visible_cases(practitioner, context).count(),
                "manager_visible_cases": visible_cases(manager, context).count(),
                "generate_seconds": round(generate_s, 1),
            },
            "decide_us": {
                "median": round(statistics.median(timings), 2),
                "p99": round(_percentile(timings, 0.99), 2),
                "calls": len(timings),
                "target_median": 10,
            },
            "load_and_decide": {
                "queries_per_decision": max(query_counts),
                "p95_ms": round(_percentile(load_times, 0.95), 3),
                "median_ms": round(statistics.median(load_times), 3),
                "samples": len(load_times),
                "target_queries": 3,
                "target_p95_ms_sqlite": 1,
            },
            "visible_cases_first_page": {
                "practitioner_30_cases_p95_ms": round(_percentile(practitioner_times, 0.95), 2),
                "practitioner_rows": practitioner_rows,
                "manager_20000_cases_p95_ms": round(_percentile(manager_times, 0.95), 2),
                "manager_rows": manager_rows,
                "page_size": 50,
                "target_p95_ms": 50,
            },
            "api_read_vs_bare_view": api_ratio,
            "case_page_vs_bare_page": case_page_ratio,
        }


def _timed(client: Any, urls: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
    """Median milliseconds of each address, requested in turn REQUEST_ROUNDS times (the
    first sixth to warm up)."""
    timings: dict[str, list[float]] = {name: [] for name in urls}
    warm_up = REQUEST_ROUNDS // 6
    for round_ in range(REQUEST_ROUNDS):
        for name, url in urls.items():
            t0 = time.perf_counter()
            response = client.get(url, headers=headers)
            elapsed = (time.perf_counter() - t0) * 1000
            assert response.status_code == 200, (name, response.status_code)
            if round_ >= warm_up:
                timings[name].append(elapsed)
    secured, bare = (statistics.median(times) for times in timings.values())
    return {
        "entries_in_case": ENTRIES_PER_CASE,
        "secured_median_ms": round(secured, 3),
        "bare_median_ms": round(bare, 3),
        "ratio": round(secured / bare, 2),
        "samples_each": len(timings[next(iter(urls))]),
        "target_ratio": 1.2,
    }


def _api_against_bare_view(
    practitioner: Any, laptop: Any, context: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """GET /api/v1/cases/{id} (token, device, policy, audit) against a bare view that reads
    and serialises the same rows with no checks; and the case page (session, device, policy,
    audit) against a bare page: the same page view given a decision taken once beforehand,
    so it reads and renders the same rows. Each pair through the same middleware, same run."""
    import inspect
    import sys
    import types

    from django.http import HttpRequest, HttpResponse, JsonResponse
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import path
    from tests.factories import case_access, sign_in

    import safekeep.urls
    from safekeep.access import door
    from safekeep.access.vocabulary import Action
    from safekeep.accounts.services import account_create
    from safekeep.api import cases as api_cases
    from safekeep.api.services import api_token_create
    from safekeep.audit.writing import Origin
    from safekeep.devices.models import Device
    from safekeep.devices.services import enrolment_code_issue, enrolment_redeem
    from safekeep.records import selectors, services
    from safekeep.records.models import Case, Entry
    from safekeep.web.records.caseload import case_detail

    case = Case.objects.filter(allocations__staff=practitioner).order_by("pk").first()
    assert case is not None
    origin = Origin(actor_username="bench")
    # The generated entries have no versions (enough for the list figures); this case's
    # entries are written as a person writes them, so the page can show them.
    Entry.objects.filter(case=case).delete()
    for n in range(ENTRIES_PER_CASE):
        services.entry_add(
            access=case_access(practitioner, case, Action.ADD_ENTRY, context=context),
            kind="note",
            title=f"Visit {n}",
            body="Home visit notes. " * 40,
        )
    user = account_create(staff=practitioner, password=None)
    _, token = api_token_create(user=user, name="bench", origin=origin)
    device = Device.objects.create(
        asset_tag="LAP-BENCH",
        device_type=laptop.device_type,
        ownership=laptop.ownership,
        assigned_staff=practitioner,
        encrypted="yes",
        passcode="yes",
        os_name="Windows",
        os_version="11",
    )
    code = enrolment_code_issue(origin=origin, device=device, issued_by=None)
    _, credential = enrolment_redeem(origin=origin, code=code, user=user)

    def bare(request: HttpRequest, case_id: str) -> JsonResponse:
        found = door._case(case_id)  # the door's own read of the case, without the door
        assert found is not None
        entries = selectors.entries_opened(found, with_sensitive=True)
        body = {**api_cases._case_out(found), "entries": [api_cases._entry_out(e) for e in entries]}
        return JsonResponse(body, json_dumps_params={"default": str})

    # The page's decision, taken once: the bare page skips the session guard, the device,
    # the task policy, the facts, the decision and the audit entry, and renders the rest.
    decided = case_access(practitioner, case, Action.VIEW, context=context)
    page_view = inspect.unwrap(case_detail)

    def bare_page(request: HttpRequest, case_id: str) -> HttpResponse:
        found = door._case(case_id)
        assert found is not None
        response: HttpResponse = page_view(request, replace(decided, case=found))
        return response

    urls = types.ModuleType("bench_policy_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path("bare/<str:case_id>", bare),
        path("bare-page/<str:case_id>", bare_page),
        *safekeep.urls.urlpatterns,
    ]
    sys.modules[urls.__name__] = urls
    headers = {"Authorization": f"Bearer {token}", "X-Safekeep-Device": credential}
    with override_settings(ROOT_URLCONF=urls.__name__, ALLOWED_HOSTS=["testserver"]):
        api = _timed(
            Client(),
            {"api": f"/api/v1/cases/{case.case_id}", "bare": f"/bare/{case.case_id}"},
            headers,
        )
        page = _timed(
            sign_in(Client(), user, device=device),
            {"page": f"/cases/{case.case_id}/", "bare": f"/bare-page/{case.case_id}"},
            {},
        )
    return api, page


# --- driver side --------------------------------------------------------------------------


def _run_worker(env: dict[str, str], size: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", "--size", str(size)],
        env={**env, "PYTHONPATH": WORKER_PYTHONPATH},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-3:] or ["failed"]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(size: int | None = None) -> dict[str, Any]:
    size = size or DEFAULT_SIZE
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    results: dict[str, Any] = {
        "size_note": (
            f"generated council: {size} cases, {STAFF} staff, {ENTRIES_PER_CASE} entries per "
            "case (the issue's 100,000 cases / 1,000,000 entries needs --size 100000)"
        ),
        "sqlite": _run_worker(env, size),
    }
    if pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)") and pg_admin(
        f"CREATE DATABASE {PG_DB}"
    ):
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        try:
            results["postgresql"] = _run_worker({**env, "DATABASE_URL": f"{base}/{PG_DB}"}, size)
        finally:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    else:
        results["postgresql"] = {"skipped": f"PostgreSQL not reachable at {PG_ADMIN_URL}"}
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="number of cases")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        print(json.dumps(worker(options.size)))
    else:
        print(json.dumps(main(options.size), indent=2))
