"""FOI questions 1c, 1d and 1f, exactly as DESIGN.md defines them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from django.utils import timezone

from safekeep.devices import services
from safekeep.devices.selectors import current_task_policy
from safekeep.devices.vocabulary import TaskRule, default_task_policy
from safekeep.governance.foi import foi_population, foi_q1c, foi_q1d, foi_q1f
from tests.devices.helpers import ORIGIN, make_device
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 23)


def test_q1c_counts_active_council_devices_of_the_population_only():
    remote = make_staff(work_pattern="remote")
    office = make_staff(work_pattern="office")
    agency = make_staff(employment_type="agency")
    leaver = make_staff(end_date=dt.date(2026, 1, 1))
    make_device(asset_tag="A1", device_type="laptop", assigned_staff=remote)
    make_device(asset_tag="A2", device_type="smartphone", assigned_staff=remote)
    make_device(asset_tag="A3", device_type="tablet", assigned_staff=remote, status="lost")
    make_device(
        asset_tag="A4", device_type="basic_phone", assigned_staff=remote, ownership="personal"
    )
    make_device(asset_tag="A5", device_type="desktop", assigned_staff=office)
    make_device(asset_tag="A6", device_type="desktop", assigned_staff=agency)
    make_device(asset_tag="A7", device_type="desktop", assigned_staff=leaver)
    make_device(asset_tag="A8", device_type="desktop")
    population = foi_population(AS_OF)
    assert list(population) == [remote]
    # The devices were registered today: the register's history starts today.
    assert foi_q1c(staff=population, as_of=timezone.localdate()) == ["laptop", "smartphone"]
    assert foi_q1c(staff=population, as_of=timezone.localdate() - dt.timedelta(days=1)) == []


# DESIGN.md's example answer to 1d, as it prints it: every task, in the questionnaire's order.
DESIGN_Q1D = json.loads(
    '{"access_central_records": true, "save_to_device": true, "save_to_central_storage": true,'
    ' "email_colleagues": true, "collaboration_tools": true, "contact_clients": true,'
    ' "contact_external_partners": true, "personal_use": true}'
)


def test_q1d_from_the_council_policy_for_the_types_in_use():
    policy = default_task_policy()
    answer = foi_q1d(device_types=["laptop"], policy=policy)
    assert list(answer.items()) == list(DESIGN_Q1D.items())
    rules = dict(policy.rules)
    rules[("council", "laptop", "personal_use")] = TaskRule("prevented")
    rules[("council", "tablet", "personal_use")] = TaskRule("conditional", "passcode")
    changed = dataclasses.replace(policy, rules=rules)
    assert not foi_q1d(device_types=["laptop"], policy=changed)["personal_use"]
    assert foi_q1d(device_types=["laptop", "tablet"], policy=changed)["personal_use"]
    assert not any(foi_q1d(device_types=[], policy=changed).values())


def test_q1f_default_and_after_changes():
    assert foi_q1f(policy=current_task_policy()) == {
        "answer": "prevent_some",
        "prevented_tasks": ["contact_clients", "save_to_device"],
        "conditional_tasks": [
            "access_central_records",
            "collaboration_tools",
            "contact_external_partners",
            "email_colleagues",
            "save_to_central_storage",
        ],
    }
    policy = default_task_policy()
    everything_prevented = {
        key: TaskRule("prevented") if key[0] == "personal" else rule
        for key, rule in policy.rules.items()
    }
    assert foi_q1f(policy=dataclasses.replace(policy, rules=everything_prevented))["answer"] == (
        "prevent_all"
    )
    only_conditional = {
        key: TaskRule("conditional", "passcode") if key[0] == "personal" else rule
        for key, rule in policy.rules.items()
    }
    assert foi_q1f(policy=dataclasses.replace(policy, rules=only_conditional))["answer"] == (
        "conditional"
    )
    all_allowed = {key: TaskRule("allowed") for key in policy.rules}
    assert foi_q1f(policy=dataclasses.replace(policy, rules=all_allowed)) == {
        "answer": "none",
        "prevented_tasks": [],
        "conditional_tasks": [],
    }


def test_policy_as_of_a_date_uses_the_version_then_in_force():
    services.task_policy_change(
        origin=ORIGIN,
        changed_by=None,
        ownership="personal",
        device_type="smartphone",
        rules={"contact_clients": ("allowed", "")},
        reason="Work phones for all",
    )
    assert current_task_policy().version == 1
    assert current_task_policy(as_of=dt.date(2000, 1, 1)).version == 0
