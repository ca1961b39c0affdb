"""Safekeep against the libraries a council would otherwise pick, in the same run and world.

- decision: `access.policy.decide()` against pycasbin's `enforce()` on the equivalent
  need-to-know model (one policy row per allocation in force and action);
- list filtering: the case list's selector (`access.queries.visible_cases`, first page of 50
  and the count) against django-guardian's `get_objects_for_user` with one per-object
  permission row per case each person may see;
- audit writes: `audit_event` against a django-auditlog `LogEntry` and against a plain
  INSERT of the same row (the floor), each its own committed transaction.

The world is bench/policy.py's generated council (SAFEKEEP_BENCH_PEERS_SIZE cases, default
that benchmark's size). Each database runs in its own subprocess under
bench/_peers_settings.py (Safekeep's settings plus the peers' apps); PostgreSQL as in the
other benchmarks (database `safekeep_bench_peers`, created and dropped). Every ratio is
Safekeep's figure over the peer's: below 1 Safekeep is faster (or, for rates, slower).
"""

from __future__ import annotations

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
from policy import DEFAULT_SIZE, NOW, TODAY
from policy import _generate as generate_council

PG_DB = "safekeep_bench_peers"
SIZE = int(os.environ.get("SAFEKEEP_BENCH_PEERS_SIZE", str(DEFAULT_SIZE)))
DECIDE_CALLS = 20_000
PEER_SECONDS = 10.0  # a peer as slow as a linear scan gets this long, not DECIDE_CALLS
LIST_REPEATS = 50
AUDIT_WRITES = int(os.environ.get("SAFEKEEP_BENCH_PEERS_AUDIT_WRITES", "2000"))
ROUNDS = 4  # the three writers take turns, so a change in the machine's load hits each
CASBIN_MODEL = """
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = r.sub == p.sub && r.obj == p.obj && r.act == p.act
"""


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _timed_us(call: Any, args: list[Any], *, budget: float | None = None) -> list[float]:
    """Microseconds for each call(*args[i]), stopping early once `budget` seconds are spent."""
    clock = time.perf_counter_ns
    timings = []
    started = time.perf_counter()
    for arg in args:
        t0 = clock()
        call(*arg)
        timings.append((clock() - t0) / 1000)
        if budget is not None and time.perf_counter() - started > budget:
            break
    return timings


def _in_force_allocations() -> list[tuple[str, str]]:
    from django.db.models import Q

    from safekeep.records.models import Allocation

    return list(
        Allocation.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=TODAY))
        .filter(starts_on__lte=TODAY)
        .values_list("staff__staff_id", "case__case_id")
    )


def _decision(practitioner: Any, context: Any) -> dict[str, Any]:
    import casbin

    from safekeep.access.facts import actor_facts, case_facts
    from safekeep.access.policy import decide
    from safekeep.records.models import Case

    allowed_case = Case.objects.filter(allocations__staff=practitioner).order_by("pk").first()
    refused_case = Case.objects.exclude(allocations__staff=practitioner).order_by("pk").first()
    assert allowed_case is not None and refused_case is not None
    actor = actor_facts(practitioner, today=TODAY)
    allowed, refused = (
        case_facts(allowed_case, practitioner),
        case_facts(refused_case, practitioner),
    )
    assert decide(actor, "view", allowed, context).allowed
    assert not decide(actor, "view", refused, context).allowed

    enforcer = casbin.Enforcer(casbin.Enforcer.new_model(text=CASBIN_MODEL))
    rows = [
        [staff_id, case_id, action]
        for staff_id, case_id in _in_force_allocations()
        for action in ("view", "add_entry")
    ]
    enforcer.add_policies(rows)
    who = practitioner.staff_id
    assert enforcer.enforce(who, allowed_case.case_id, "view")
    assert not enforcer.enforce(who, refused_case.case_id, "view")

    ours = _timed_us(
        decide,
        [(actor, "view", refused if n % 2 else allowed, context) for n in range(DECIDE_CALLS)],
    )
    cases = (allowed_case.case_id, refused_case.case_id)
    theirs = _timed_us(
        enforcer.enforce,
        [(who, cases[n % 2], "view") for n in range(DECIDE_CALLS)],
        budget=PEER_SECONDS,
    )
    a, b = statistics.median(ours), statistics.median(theirs)
    return {
        "what": "one view decision, allowed and refused alternately, facts already loaded",
        "safekeep_decide_us_median": round(a, 2),
        "casbin_enforce_us_median": round(b, 2),
        "ratio_safekeep_to_casbin": round(a / b, 4),
        "casbin_policy_rows": len(rows),
        "calls": {"safekeep": len(ours), "casbin": len(theirs)},
    }


def _list_filtering(people: list[Any], context: Any) -> dict[str, Any]:
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission
    from guardian.shortcuts import get_objects_for_user

    from safekeep.access.queries import visible_cases
    from safekeep.accounts.models import User
    from safekeep.organisation.models import StaffMember
    from safekeep.records.models import Case

    staff = list(StaffMember.objects.all())
    users = {
        u.staff_id: u
        for u in User.objects.bulk_create(User(username=s.email, staff=s) for s in staff)
    }
    by_staff_id = {s.staff_id: s.pk for s in staff}
    case_pks = dict(Case.objects.values_list("case_id", "pk"))
    # One row per case a person may see: the measured people's are exactly Safekeep's answer.
    pairs = {(by_staff_id[s], case_pks[c]) for s, c in _in_force_allocations()}
    for person in people:
        pairs -= {(p, c) for p, c in pairs if p == person.pk}
        pairs |= {
            (person.pk, pk) for pk in visible_cases(person, context).values_list("pk", flat=True)
        }
    content_type = ContentType.objects.get_for_model(Case)
    permission = Permission.objects.get(content_type=content_type, codename="view_case")
    UserObjectPermission.objects.bulk_create(  # type: ignore[misc, unused-ignore]
        (
            UserObjectPermission(
                user=users[p], permission=permission, content_type=content_type, object_pk=str(c)
            )
            for p, c in pairs
        ),
        batch_size=5000,
    )

    def ours(person: Any) -> tuple[list[str], int]:
        cases = visible_cases(person, context)
        return list(cases.order_by("case_id").values_list("case_id", flat=True)[:50]), cases.count()

    def theirs(person: Any) -> tuple[list[str], int]:
        cases = get_objects_for_user(
            users[person.pk], "records.view_case", klass=Case, accept_global_perms=False
        )
        return list(cases.order_by("case_id").values_list("case_id", flat=True)[:50]), cases.count()

    out: dict[str, Any] = {
        "what": "first page of 50 by case number, and the count",
        "guardian_object_permission_rows": len(pairs),
    }
    for label, person in zip(("practitioner", "manager"), people, strict=True):
        assert ours(person) == theirs(person), label
        for fn in (ours, theirs):  # warm
            fn(person)
        a = _timed_us(ours, [(person,)] * LIST_REPEATS)
        b = _timed_us(theirs, [(person,)] * LIST_REPEATS)
        am, bm = statistics.median(a) / 1000, statistics.median(b) / 1000
        out[label] = {
            "visible_cases": ours(person)[1],
            "safekeep_ms_median": round(am, 3),
            "guardian_ms_median": round(bm, 3),
            "ratio_safekeep_to_guardian": round(am / bm, 3),
            "repeats": LIST_REPEATS,
        }
    return out


def _audit_writes() -> dict[str, Any]:
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from safekeep.audit import canonical
    from safekeep.audit.writing import Origin, audit_event
    from safekeep.records.models import Case

    origin = Origin(
        actor_staff_id="S00001",
        actor_username="person1@council.example",
        device="LAP-0001",
        request_id="bench-peers",
        source_address="10.1.2.3",
    )
    reasons, obligations = ["allocated worker since 2026-03-01"], ["audit"]
    content_type = ContentType.objects.get_for_model(Case)
    columns = ("occurred_at", *canonical.STRING_FIELDS, *canonical.LIST_FIELDS)
    key = (
        "id bigserial PRIMARY KEY"
        if connection.vendor == "postgresql"
        else "id integer PRIMARY KEY"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE bench_floor ({key}, {', '.join(f'{c} text' for c in columns)})"
        )
    marks = ", ".join(["%s"] * len(columns))
    insert = f"INSERT INTO bench_floor ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608

    def safekeep(i: int) -> None:
        audit_event(
            origin=origin,
            action="case.view",
            decision="allowed",
            object_type="case",
            object_id=f"C{i:07d}",
            subject_id=f"P{i:07d}",
            reasons=reasons,
            obligations=obligations,
        )

    def auditlog(i: int) -> None:
        LogEntry.objects.create(
            content_type=content_type,
            object_pk=f"C{i:07d}",
            object_repr=f"C{i:07d}",
            action=LogEntry.Action.ACCESS,
            remote_addr=origin.source_address,
            cid=origin.request_id,
            actor_email=origin.actor_username,
            additional_data={
                "decision": "allowed",
                "subject_id": f"P{i:07d}",
                "device": origin.device,
                "reasons": reasons,
                "obligations": obligations,
            },
        )

    def floor(i: int) -> None:
        row = {
            **{f: getattr(origin, f, "") for f in canonical.STRING_FIELDS},
            "action": "case.view",
            "object_type": "case",
            "object_id": f"C{i:07d}",
            "subject_id": f"P{i:07d}",
            "decision": "allowed",
        }
        values = [timezone.now(), *(row[f] for f in canonical.STRING_FIELDS)]
        with connection.cursor() as cursor:
            cursor.execute(insert, [*values, json.dumps(reasons), json.dumps(obligations)])

    writers = {"safekeep": safekeep, "auditlog": auditlog, "floor": floor}
    seconds = dict.fromkeys(writers, 0.0)
    each = AUDIT_WRITES // ROUNDS
    for round_ in range(ROUNDS):
        for name, write in writers.items():
            t0 = time.perf_counter()
            for i in range(round_ * each, (round_ + 1) * each):
                write(i)  # outside any transaction: committed on return
            seconds[name] += time.perf_counter() - t0
    rate = {name: ROUNDS * each / s for name, s in seconds.items()}
    return {
        "what": "one entry per committed transaction, one writer, the three in turns",
        "writes_each": ROUNDS * each,
        "safekeep_appends_per_second": round(rate["safekeep"]),
        "auditlog_writes_per_second": round(rate["auditlog"]),
        "plain_insert_per_second": round(rate["floor"]),
        "ratio_safekeep_to_auditlog": round(rate["safekeep"] / rate["auditlog"], 3),
        "ratio_safekeep_to_plain_insert": round(rate["safekeep"] / rate["floor"], 3),
    }


def worker(size: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="safekeep-bench-peers-") as data_dir:
        setup_django(data_dir)
        from django.db import connection, connections
        from tests.factories import LAPTOP_FACTS

        from safekeep.access.context import command_context
        from safekeep.audit.chain import chain_pending
        from safekeep.audit.sequencer import sequencer
        from safekeep.records.models import Allocation, Case

        result: dict[str, Any] = {"engine": connection.vendor, "load_average_start": _load()}
        try:
            world = generate_council(size, random.Random(3))
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            laptop = replace(LAPTOP_FACTS, label="council laptop LAP-BENCH", asset_tag="")
            context = command_context(NOW, device=laptop)
            people = [world["the_practitioner"], world["manager"]]
            result["data"] = {
                "cases": Case.objects.count(),
                "allocations": Allocation.objects.count(),
                "allocations_in_force": len(_in_force_allocations()),
            }
            result["decision"] = _decision(people[0], context)
            result["list_filtering"] = _list_filtering(people, context)
            result["audit_writes"] = _audit_writes()
            result["load_average_end"] = _load()
        finally:  # drain the sequencer while the data directory is still there
            sequencer.stop()
            chain_pending()
            connections.close_all()
        return result


def _run_worker(env: dict[str, str], size: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", str(size)],
        env={
            **env,
            "PYTHONPATH": WORKER_PYTHONPATH,
            "DJANGO_SETTINGS_MODULE": "bench._peers_settings",
            "SAFEKEEP_AUDIT_SEQUENCER": "background",  # as production chains
        },
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-3:] or ["failed"]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "load_average_start": _load()},
        "size": f"generated council (bench/policy.py): {SIZE} cases, 600 staff",
        "sqlite": _run_worker(env, SIZE),
    }
    if pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)") and pg_admin(
        f"CREATE DATABASE {PG_DB}"
    ):
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        try:
            results["postgresql"] = _run_worker({**env, "DATABASE_URL": f"{base}/{PG_DB}"}, SIZE)
        finally:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    else:
        results["postgresql"] = {"skipped": f"PostgreSQL not reachable at {PG_ADMIN_URL}"}
    results["machine"]["load_average_end"] = _load()
    return results


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        print(json.dumps(worker(int(sys.argv[2]))))
    else:
        print(json.dumps(main(), indent=2))
