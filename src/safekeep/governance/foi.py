"""The FOI report's building blocks (DESIGN.md, "foi-report"), read from live data.

The staff and devices questionnaire: the people q1a/q1b count, the council device types
they are given (q1c), the tasks allowed on those (q1d) and the personal-device policy (q1f).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from safekeep.devices.models import Device, DeviceStatus, Ownership
from safekeep.devices.vocabulary import (
    ALLOWED,
    CONDITIONAL,
    TASKS,
    TaskPolicySnapshot,
    summarise_personal_policy,
)
from safekeep.organisation.models import StaffMember


def foi_population(as_of: dt.date) -> QuerySet[StaffMember]:
    """q1a/q1b's people: active employees working with vulnerable people, remote or flexible."""
    return StaffMember.objects.active_on(as_of).filter(
        employment_type="employee",
        works_with_vulnerable_people=True,
        work_pattern__in=["remote", "flexible"],
    )


def foi_q1c(*, staff: QuerySet[StaffMember]) -> list[str]:
    """Sorted device types of active council-owned devices assigned to `staff`."""
    types = (
        Device.objects.filter(
            ownership=Ownership.COUNCIL,
            status=DeviceStatus.ACTIVE,
            assigned_staff__in=staff,
        )
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


def foi_q1f(*, policy: TaskPolicySnapshot) -> dict[str, object]:
    """The personal-device answer: prevent_all, prevent_some, conditional or none."""
    answer, prevented, conditional = summarise_personal_policy(policy)
    return {"answer": answer, "prevented_tasks": prevented, "conditional_tasks": conditional}
