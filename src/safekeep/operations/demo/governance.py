"""The demo council's incidents: the device incidents the fleet calls for, a data breach
whose ICO clock is running, one decided and closed, and an unauthorised access; and its FOI
requests.

None is a personal phone number shared: the council's FOI answer to 1g was that none had
been recorded, and the demo's FOI report says the same. Runs after `devices.load_fleet`.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from rich.console import Console

from safekeep.access import door
from safekeep.access.context import command_context
from safekeep.audit.writing import Origin
from safekeep.devices.models import Device, DeviceStatus, ITTask
from safekeep.governance.foi import requests as foi
from safekeep.governance.foi.questions import QUESTIONS
from safekeep.governance.models import Incident, IncidentAction
from safekeep.governance.working_days import add_working_days
from safekeep.operations.demo.council import DEMO_ACCOUNTS
from safekeep.organisation.models import StaffMember


def load_governance(*, rng: random.Random, today: dt.date, console: Console) -> None:
    ig = StaffMember.objects.get(email=DEMO_ACCOUNTS["IG officer"])
    staff = list(StaffMember.objects.active_on(today).order_by("staff_id"))
    now = timezone.now()
    incidents = [
        _from_task(task, today - dt.timedelta(days=2))
        for task in ITTask.objects.exclude(cause="").select_related("device__assigned_staff")
    ]
    missing = Device.objects.filter(status__in=[DeviceStatus.LOST, DeviceStatus.STOLEN])
    for device in missing.select_related("assigned_staff").order_by("asset_tag"):
        day = today - dt.timedelta(days=rng.randint(3, 60))
        incidents.append(
            Incident(
                category=f"{device.status}_device",
                occurred_on=day,
                reported_on=day,
                staff_id=device.assigned_staff_id,
                staff_ref=device.assigned_staff.staff_id if device.assigned_staff else "",
                summary=f"{device.label} reported {device.status}",
                device=device,
                source=Incident.Source.AUTOMATIC,
            )
        )
    involved = rng.choice(staff)
    incidents.append(
        Incident(
            category=Incident.Category.DATA_BREACH,
            occurred_on=today - dt.timedelta(days=1),
            reported_on=today,
            staff=involved,
            staff_ref=involved.staff_id,
            summary="A child protection report was emailed to the wrong parent",
            severity=Incident.Severity.HIGH,
            what_happened="The email address was picked from autocomplete; the parent "
            "phoned to say so the same afternoon.",
            source=Incident.Source.MANUAL,
            reported_by=ig,
            aware_at=now - dt.timedelta(hours=30),
        )
    )
    decided = now - dt.timedelta(days=40)
    incidents.append(
        Incident(
            category=Incident.Category.DATA_BREACH,
            occurred_on=today - dt.timedelta(days=42),
            reported_on=today - dt.timedelta(days=41),
            summary="A printed case summary was left in a children centre's meeting room",
            severity=Incident.Severity.LOW,
            source=Incident.Source.MANUAL,
            reported_by=ig,
            aware_at=decided - dt.timedelta(hours=20),
            ico_decision=Incident.IcoDecision.NOT_REPORT,
            ico_reasons="Found by a colleague within the hour, in a locked building; nobody "
            "outside the team saw it, so no risk to the family's rights.",
            ico_decided_by=ig,
            ico_decided_at=decided,
            closed_at=decided + dt.timedelta(days=2),
            closed_by=ig,
            outcome="Team reminded of the clear-desk rule.",
        )
    )
    snooper = rng.choice(staff)
    incidents.append(
        Incident(
            category=Incident.Category.UNAUTHORISED_ACCESS,
            occurred_on=today - dt.timedelta(days=9),
            reported_on=today - dt.timedelta(days=8),
            staff=snooper,
            staff_ref=snooper.staff_id,
            summary="Opened a neighbour's record with break-glass without a work reason",
            severity=Incident.Severity.MEDIUM,
            source=Incident.Source.MANUAL,
            reported_by=ig,
        )
    )
    Incident.objects.bulk_create(incidents)
    IncidentAction.objects.create(
        incident=Incident.objects.get(category=Incident.Category.UNAUTHORISED_ACCESS),
        taken_at=now - dt.timedelta(days=7),
        taken_by=ig,
        text="Spoke to their manager; access reviewed with them.",
    )
    requests = _foi_requests(today)
    console.print(f"Governance: {len(incidents)} incidents, {requests} FOI requests.")


def _foi_requests(today: dt.date) -> int:
    """The FOI officer's register: the seed's questionnaire asked again and pre-filled from
    the demo's live data, one answered and published (with an exemption), one whose clock
    waits for a fee, and one answered late whose internal review was decided."""
    officer = StaffMember.objects.get(email=DEMO_ACCOUNTS["FOI officer"])
    access = door.foi_report_access(
        staff=officer, context=command_context(), origin=Origin.command("demo")
    )
    seed = foi.foi_request_log(
        access=access,
        received_on=add_working_days(today - dt.timedelta(days=21), 1),
        requester_name="Jo Researcher",
        requester_contact="jo.researcher@university.example",
        questions=[f"{q.number}. {q.text}" for q in QUESTIONS],
    )
    foi.foi_request_prefill(access=access, request=seed, as_of=today)
    published = foi.foi_request_log(
        access=access,
        received_on=today - dt.timedelta(days=75),
        requester_name="Sam Journalist",
        requester_contact="newsdesk@paper.example",
        questions=[
            "How many laptops did the council lose in the last year?",
            "Please give the names of the staff who lost them.",
        ],
    )
    first, second = published.questions.all()
    foi.foi_question_answer(
        access=access, question=first, answer="Two laptops were reported lost; both encrypted."
    )
    foi.foi_question_answer(access=access, question=second, answer="", exemptions=["s40"])
    foi.foi_request_respond(
        access=access,
        request=published,
        responded_on=add_working_days(published.received_on, 15),
        publish=True,
    )
    fee = foi.foi_request_log(
        access=access,
        received_on=today - dt.timedelta(days=20),
        requester_name="A. Campaigner",
        requester_contact="12 High Street, Anytown",
        questions=["Copies of every device complaint since 2015, with the replies."],
    )
    foi.foi_request_pause(
        access=access, request=fee, kind="fee", started_on=add_working_days(fee.received_on, 3)
    )
    late = foi.foi_request_log(
        access=access,
        received_on=today - dt.timedelta(days=120),
        requester_name="R. Parent",
        requester_contact="r.parent@mail.example",
        questions=["What is the council's policy on staff using personal phones?"],
    )
    foi.foi_question_answer(
        access=access,
        question=late.questions.get(),
        answer="Staff may not use personal phones for case work; the policy is attached.",
    )
    foi.foi_request_respond(
        access=access,
        request=late,
        responded_on=add_working_days(late.received_on, 24),
        publish=True,
    )
    review = foi.foi_review_request(
        access=access,
        request=late,
        requested_on=add_working_days(late.received_on, 30),
        grounds="The answer was late and the policy was not attached.",
    )
    foi.foi_review_decide(
        access=access,
        review=review,
        outcome="partly_upheld",
        decided_on=add_working_days(review.requested_on, 12),
    )
    return 4


def _from_task(task: ITTask, day: dt.date) -> Incident:
    device = task.device
    return Incident(
        category=task.cause,
        occurred_on=day,
        reported_on=day,
        staff_id=device.assigned_staff_id,
        staff_ref=device.assigned_staff.staff_id if device.assigned_staff else "",
        summary=f"{device.label} is unencrypted and was reported off site",
        device=device,
        it_task=task,
        source=Incident.Source.AUTOMATIC,
    )
