"""Councils with hidden figures for the FOI report tests, written through the CSV imports only
(`safekeep import staff | devices | complaints | incidents`), and an oracle that works out
every answer from the generated rows alone, never from the database.

A `Clock` moves Django's idea of now, so that imports happen on chosen days (the register's
history records the day of each change).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")
# Mostly employees, and every kind of person the count leaves out.
EMPLOYMENT_TYPES = [*["employee"] * 5, "agency", "contractor", "volunteer"]
DEVICE_TYPES = ["basic_phone", "smartphone", "tablet", "laptop", "desktop"]
TASKS = [
    "access_central_records",
    "save_to_device",
    "save_to_central_storage",
    "email_colleagues",
    "collaboration_tools",
    "contact_clients",
    "contact_external_partners",
    "personal_use",
]


class Clock:
    """Now, as Django sees it: `timezone.now` is patched to return `moment`."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment

    def at(self, day: dt.date, hour: int = 12, minute: int = 0) -> None:
        self.moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def london_noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)


def write_csv(tmp_path: Path, name: str, header: list[str], rows: list[dict[str, str]]) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def safekeep_import(tmp_path: Path, kind: str, header: list[str], rows: list[dict[str, str]]):
    """`safekeep import KIND FILE.csv --create-missing`, as an operator runs it."""
    path = write_csv(tmp_path, f"{kind}-{random.random():.8f}.csv", header, rows)
    call_command("import_data", kind, str(path), "--create-missing", stdout=io.StringIO())


STAFF_HEADER = [
    "staff_id",
    "given_name",
    "family_name",
    "email",
    "directorate",
    "team",
    "role",
    "employment_type",
    "works_with_vulnerable_people",
    "work_pattern",
    "start_date",
    "end_date",
]
DEVICE_HEADER = [
    "asset_tag",
    "device_type",
    "ownership",
    "assigned_staff_id",
    "encrypted",
    "passcode",
    "os",
    "site",
]
COMPLAINT_HEADER = ["reported_on", "staff_id", "category", "summary"]
INCIDENT_HEADER = ["occurred_on", "reported_on", "category", "staff_id", "summary"]


@dataclass
class Person:
    staff_id: str
    directorate: str
    employment_type: str
    works_with_vulnerable_people: bool
    work_pattern: str
    start_date: dt.date
    end_date: dt.date | None

    def row(self) -> dict[str, str]:
        number = self.staff_id.lower()
        return {
            "staff_id": self.staff_id,
            "given_name": "Test",
            "family_name": f"Person {number}",
            "email": f"{number}@council.example",
            "directorate": self.directorate,
            "team": f"{self.directorate} team",
            "role": "practitioner",
            "employment_type": self.employment_type,
            "works_with_vulnerable_people": "yes" if self.works_with_vulnerable_people else "no",
            "work_pattern": self.work_pattern,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat() if self.end_date else "",
        }

    def active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


@dataclass
class DeviceRow:
    asset_tag: str
    device_type: str
    ownership: str
    holder: str  # staff_id or ""

    def row(self) -> dict[str, str]:
        return {
            "asset_tag": self.asset_tag,
            "device_type": self.device_type,
            "ownership": self.ownership,
            "assigned_staff_id": self.holder,
            "encrypted": "yes",
            "passcode": "yes",
            "os": "Windows 11",
            "site": "",
        }


@dataclass
class World:
    """Everything a generated council holds, as rows."""

    people: list[Person]
    # The device register as each import left it: (the day it was imported, its rows).
    registers: list[tuple[dt.date, list[DeviceRow]]]
    complaints: list[tuple[dt.date, str]]  # (reported_on, staff_id)
    incidents: list[tuple[dt.date, dt.date, str, str]]  # occurred, reported, category, staff
    as_of: dt.date
    extra: dict[str, object] = field(default_factory=dict)


def random_world(rng: random.Random, today: dt.date) -> World:
    """A council of 20 to 60 people around `today`, with every kind of person the report must
    leave out, devices imported on two days, complaints and incidents either side of the
    365-day window."""
    directorates = rng.sample(
        ["Family Services", "Adults and Health", "Children's Services", "Public Health"],
        rng.randint(1, 4),
    )
    people = []
    for number in range(rng.randint(20, 60)):
        start = today - dt.timedelta(days=rng.randint(-30, 3000))
        end = None
        if rng.random() < 0.25:
            end = max(start, today + dt.timedelta(days=rng.randint(-400, 200)))
        people.append(
            Person(
                staff_id=f"H{number:04d}",
                directorate=rng.choice(directorates),
                employment_type=rng.choice(EMPLOYMENT_TYPES),
                works_with_vulnerable_people=rng.random() < 0.8,
                work_pattern=rng.choice(["office", "remote", "flexible", "flexible"]),
                start_date=start,
                end_date=end,
            )
        )
    first_import = today - dt.timedelta(days=rng.randint(10, 200))
    devices: list[DeviceRow] = []
    for number in range(rng.randint(0, 40)):
        holder = rng.choice(people).staff_id if rng.random() < 0.9 else ""
        devices.append(
            DeviceRow(
                f"DEV-{number:04d}",
                rng.choice(DEVICE_TYPES),
                rng.choice(["council", "council", "council", "personal"]),
                holder,
            )
        )
    # The second import moves some devices to someone else and adds a few.
    later = [DeviceRow(d.asset_tag, d.device_type, d.ownership, d.holder) for d in devices]
    for device in later:
        if rng.random() < 0.3:
            device.holder = rng.choice(people).staff_id
    for number in range(len(devices), len(devices) + rng.randint(0, 5)):
        later.append(DeviceRow(f"DEV-{number:04d}", rng.choice(DEVICE_TYPES), "council", ""))
        later[-1].holder = rng.choice(people).staff_id
    second_import = today - dt.timedelta(days=rng.randint(0, 9))
    complaints = [
        (today - dt.timedelta(days=rng.choice([0, 1, 100, 363, 364, 365, 366, 500])), p.staff_id)
        for p in rng.choices(people, k=rng.randint(0, 25))
    ]
    categories = ["personal_number_shared"] * 3 + ["lost_device", "data_breach", "other"]
    incidents = []
    for person in rng.choices(people, k=rng.randint(0, 15)):
        occurred = today - dt.timedelta(days=rng.choice([0, 5, 364, 365, 366, 800]))
        reported = min(today, occurred + dt.timedelta(days=rng.randint(0, 3)))
        incidents.append((occurred, reported, rng.choice(categories), person.staff_id))
    return World(
        people=people,
        registers=[(first_import, devices), (second_import, later)],
        complaints=complaints,
        incidents=incidents,
        as_of=today,
    )


def load_world(world: World, tmp_path: Path, clock: Clock) -> None:
    """Import the world as an operator would, each device file on its own day."""
    today = world.as_of
    clock.at(today)
    safekeep_import(tmp_path, "staff", STAFF_HEADER, [p.row() for p in world.people])
    for day, devices in world.registers:
        clock.at(day)
        if devices:
            safekeep_import(tmp_path, "devices", DEVICE_HEADER, [d.row() for d in devices])
    clock.at(today)
    if world.complaints:
        safekeep_import(
            tmp_path,
            "complaints",
            COMPLAINT_HEADER,
            [
                {
                    "reported_on": day.isoformat(),
                    "staff_id": staff_id,
                    "category": "device_fault",
                    "summary": f"Could not work, complaint {n}",
                }
                for n, (day, staff_id) in enumerate(world.complaints)
            ],
        )
    if world.incidents:
        safekeep_import(
            tmp_path,
            "incidents",
            INCIDENT_HEADER,
            [
                {
                    "occurred_on": occurred.isoformat(),
                    "reported_on": reported.isoformat(),
                    "category": category,
                    "staff_id": staff_id,
                    "summary": f"Incident {n}",
                }
                for n, (occurred, reported, category, staff_id) in enumerate(world.incidents)
            ],
        )


def expected_report(world: World, as_of: dt.date) -> dict[str, object]:
    """Every field of DESIGN.md's JSON form, worked out from the rows (default task policy)."""
    employees = [
        p
        for p in world.people
        if p.active_on(as_of) and p.employment_type == "employee" and p.works_with_vulnerable_people
    ]
    population = {p.staff_id for p in employees if p.work_pattern in {"remote", "flexible"}}
    by_directorate: dict[str, int] = {}
    for person in employees:
        by_directorate[person.directorate] = by_directorate.get(person.directorate, 0) + 1
    register: list[DeviceRow] = []
    for day, devices in world.registers:
        if devices and day <= as_of:
            known = {d.asset_tag for d in devices}
            register = [d for d in register if d.asset_tag not in known] + devices
    types = sorted(
        {d.device_type for d in register if d.ownership == "council" and d.holder in population}
    )
    first = as_of - dt.timedelta(days=364)
    shared = [
        (occurred, staff)
        for occurred, _, category, staff in world.incidents
        if category == "personal_number_shared" and staff in population and occurred <= as_of
    ]
    return {
        "as_of": as_of.isoformat(),
        "q1a": {"total": len(employees), "by_directorate": dict(sorted(by_directorate.items()))},
        "q1b": {"remote_or_flexible": len(population)},
        "q1c": {"provided_device_types": types},
        "q1d": dict.fromkeys(TASKS, bool(types)),
        "q1e": {
            "complaints_last_12_months": sum(
                1 for day, who in world.complaints if who in population and first <= day <= as_of
            )
        },
        "q1f": {
            "answer": "prevent_some",
            "prevented_tasks": ["contact_clients", "save_to_device"],
            "conditional_tasks": [
                "access_central_records",
                "collaboration_tools",
                "contact_external_partners",
                "email_colleagues",
                "save_to_central_storage",
            ],
        },
        "q1g": {
            "incidents_recorded": len(shared),
            "last_12_months": sum(1 for occurred, _ in shared if occurred >= first),
        },
    }


def london_today() -> dt.date:
    return timezone.localdate()
