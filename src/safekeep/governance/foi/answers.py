"""The FOI report's answers (DESIGN.md, "foi-report"), read from live data as of one day.

The staff and devices questionnaire of shared/seeds/000_0c0a6f304e5cf73e.txt: the people q1a
and q1b count, the council device types they had that day (q1c, from the register's history),
the tasks allowed on those (q1d), their device complaints (q1e), the personal-device policy
(q1f) and the personal phone numbers they shared (q1g). Every answer is a figure Safekeep
holds: none of them is ever "information not held".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from safekeep.devices.models import DeviceComplaint, DeviceHistory, DeviceStatus, Ownership
from safekeep.devices.selectors import current_task_policy
from safekeep.devices.vocabulary import (
    ALLOWED,
    CONDITIONAL,
    TASKS,
    TaskPolicySnapshot,
    summarise_personal_policy,
)
from safekeep.governance.models import Incident
from safekeep.governance.selectors import incidents_involving
from safekeep.organisation.models import EmploymentType, StaffMember, WorkPattern

# "In the past 12 months": the 365 days up to and including the report's day.
WINDOW_DAYS = 365


def foi_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day (both included) of the 365 days up to `as_of`."""
    return as_of - dt.timedelta(days=WINDOW_DAYS - 1), as_of


def foi_employees(as_of: dt.date) -> QuerySet[StaffMember]:
    """q1a's people: employees active on `as_of` who work with children or vulnerable people."""
    return StaffMember.objects.active_on(as_of).filter(
        employment_type=EmploymentType.EMPLOYEE, works_with_vulnerable_people=True
    )


def foi_population(as_of: dt.date) -> QuerySet[StaffMember]:
    """q1b's people, whom every later question is about: q1a's, remote or flexible."""
    return foi_employees(as_of).filter(work_pattern__in=[WorkPattern.REMOTE, WorkPattern.FLEXIBLE])


def foi_q1a(*, employees: QuerySet[StaffMember]) -> dict[str, int]:
    """How many of `employees` are in each directorate, by directorate name."""
    rows = employees.values_list("directorate__name").annotate(n=Count("pk")).order_by()
    return {name: n for name, n in sorted(rows)}


def foi_q1c(*, staff: QuerySet[StaffMember], as_of: dt.date) -> list[str]:
    """Sorted types of the council devices that were active and assigned to `staff` on `as_of`."""
    types = (
        DeviceHistory.objects.on(as_of)
        .filter(ownership=Ownership.COUNCIL, status=DeviceStatus.ACTIVE, assigned_staff__in=staff)
        .values_list("device_type", flat=True)
        .distinct()
    )
    return sorted(set(types))


def foi_q1d(*, device_types: list[str], policy: TaskPolicySnapshot) -> dict[str, bool]:
    """A task is true when allowed (or conditional) on at least one council type in q1c."""
    return {
        task: any(
            policy.rule("council", device_type, task).status in {ALLOWED, CONDITIONAL}
            for device_type in device_types
        )
        for task in TASKS
    }


def foi_q1e(*, staff: QuerySet[StaffMember], as_of: dt.date) -> int:
    """Device complaints by `staff` reported in the 365 days up to `as_of`."""
    first, last = foi_window(as_of)
    return DeviceComplaint.objects.filter(
        staff__in=staff, reported_on__gte=first, reported_on__lte=last
    ).count()


def foi_q1f(*, policy: TaskPolicySnapshot) -> dict[str, object]:
    """The personal-device answer: prevent_all, prevent_some, conditional or none."""
    answer, prevented, conditional = summarise_personal_policy(policy)
    return {"answer": answer, "prevented_tasks": prevented, "conditional_tasks": conditional}


def foi_q1g(*, staff: QuerySet[StaffMember], as_of: dt.date) -> dict[str, int]:
    """Personal phone numbers shared against instructions by `staff`: every incident recorded
    that had occurred by `as_of`, and those that occurred in the 365 days up to it."""
    first, last = foi_window(as_of)
    shared = Incident.Category.PERSONAL_NUMBER_SHARED
    return {
        "incidents_recorded": incidents_involving(staff=staff, category=shared, until=last).count(),
        "last_12_months": incidents_involving(
            staff=staff, category=shared, since=first, until=last
        ).count(),
    }


@dataclass(frozen=True, slots=True)
class FoiReport:
    """Every answer of the questionnaire on one day; `as_dict` is DESIGN.md's JSON form."""

    as_of: dt.date
    by_directorate: dict[str, int]
    remote_or_flexible: int
    device_types: list[str]
    tasks: dict[str, bool]
    complaints: int
    personal_devices: dict[str, object]
    incidents: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_directorate.values())

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        return foi_window(self.as_of)

    def as_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "q1a": {"total": self.total, "by_directorate": dict(self.by_directorate)},
            "q1b": {"remote_or_flexible": self.remote_or_flexible},
            "q1c": {"provided_device_types": list(self.device_types)},
            "q1d": dict(self.tasks),
            "q1e": {"complaints_last_12_months": self.complaints},
            "q1f": dict(self.personal_devices),
            "q1g": dict(self.incidents),
        }


def foi_report(as_of: dt.date) -> FoiReport:
    """The whole questionnaire answered as of the end of `as_of` (a day in Europe/London)."""
    population = foi_population(as_of)
    policy = current_task_policy(as_of=as_of)
    device_types = foi_q1c(staff=population, as_of=as_of)
    return FoiReport(
        as_of=as_of,
        by_directorate=foi_q1a(employees=foi_employees(as_of)),
        remote_or_flexible=population.count(),
        device_types=device_types,
        tasks=foi_q1d(device_types=device_types, policy=policy),
        complaints=foi_q1e(staff=population, as_of=as_of),
        personal_devices=foi_q1f(policy=policy),
        incidents=foi_q1g(staff=population, as_of=as_of),
    )
