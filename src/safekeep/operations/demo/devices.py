"""The demo council's device fleet: every device type, a few non-compliant, a few personal.

Runs after `council.load_organisation` (it needs staff and sites). Listed in
`operations.demo.DEMO_STEPS` as `safekeep.operations.demo.devices.load_fleet`.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from rich.console import Console

from safekeep.audit.writing import Origin
from safekeep.devices.models import (
    Device,
    DeviceComplaint,
    DeviceHistory,
    DeviceStatus,
    ITTask,
)
from safekeep.devices.services import DeviceError, enrolment_code_issue
from safekeep.organisation.models import Site, StaffMember

# Demo roles that work with case content, and so need an enrolled device to see it.
CASEWORK_DEMO_ROLES = ("practitioner", "team manager", "volunteer")
WINDOWS_CURRENT = ["11 23H2", "11 24H2"]
IOS_CURRENT = ["17.5", "17.6", "18.1"]
IPADOS_CURRENT = ["17.5", "18.1"]
ANDROID_CURRENT = ["13", "14", "15"]
BASIC_PHONE_OS = ["KaiOS 2.5", "KaiOS 3.1", "Nokia S30+ 1"]
COMPLAINT_SUMMARIES = {
    "device_fault": [
        "Laptop would not start before a home visit",
        "Phone battery would not last the day",
        "Tablet screen cracked and unresponsive",
    ],
    "access_problem": [
        "Could not connect to the VPN from a family's home",
        "Signed out repeatedly while writing up a visit",
        "Could not open the shared drive from the laptop",
    ],
    "training": [
        "Did not know how to use the secure printer release",
        "Needed help setting up the authenticator app",
    ],
    "other": ["Laptop bag too heavy for visits on foot"],
}


def load_fleet(*, rng: random.Random, today: dt.date, console: Console) -> None:
    """Council laptops or desktops and phones for active staff, tablets for some, plus
    personal devices, a handful of non-compliant devices and some device complaints."""
    staff = list(StaffMember.objects.active_on(today).select_related("team").order_by("staff_id"))
    if not staff:
        console.print("Devices: no staff yet, nothing to do.")
        return
    sites = list(Site.objects.order_by("name"))
    counters: dict[str, int] = {}

    def tag(prefix: str) -> str:
        counters[prefix] = counters.get(prefix, 0) + 1
        return f"{prefix}-{counters[prefix]:05d}"

    def site_for(person: StaffMember) -> Site | None:
        """A children centre's own site for its team; otherwise one of the offices."""
        if not sites:
            return None
        place = person.team.name.rpartition(" - ")[2]
        matching = [site for site in sites if place and site.name.startswith(place)]
        offices = [site for site in sites if site.kind == Site.Kind.OFFICE] or sites
        return matching[0] if matching else rng.choice(offices)

    devices: list[Device] = []
    for person in staff:
        site = site_for(person)
        office = person.work_pattern == "office"
        # Office staff often have a desktop; some flexible workers keep a desktop at a base.
        if rng.random() < (0.5 if office else 0.08):
            devices.append(_computer("desktop", tag("DSK"), person, site, rng))
        else:
            devices.append(_computer("laptop", tag("LAP"), person, site, rng))
        if rng.random() < 0.12:
            devices.append(_phone("basic_phone", tag("BPH"), person, site, rng))
        else:
            devices.append(_phone("smartphone", tag("PHN"), person, site, rng))
        if person.team.name.startswith(("Children Centre", "Early Help", "Reablement")) or (
            rng.random() < 0.08
        ):
            devices.append(_phone("tablet", tag("TAB"), person, site, rng))
        if rng.random() < 0.07:
            kind = rng.choice(["smartphone", "smartphone", "tablet", "laptop"])
            personal = _phone(kind, tag("PER"), person, None, rng)
            personal.ownership = "personal"
            personal.encrypted = "unknown"
            personal.on_site = False
            personal.passcode = "yes" if rng.random() < 0.85 else "no"
            devices.append(personal)

    council = [d for d in devices if d.ownership == "council"]
    laptops = [d for d in council if d.device_type == "laptop"]
    handhelds = [d for d in council if d.device_type in {"smartphone", "tablet"}]
    # A few that break the rules, for the non-compliant list.
    for device in rng.sample(laptops, min(5, len(laptops))):
        device.encrypted = "no"
    for device in rng.sample(laptops, min(3, len(laptops))):
        device.encrypted = "unknown"
    for device in rng.sample(handhelds, min(4, len(handhelds))):
        device.passcode = "no"
    for device in rng.sample(laptops, min(6, len(laptops))):
        device.os_version = "10 22H2"
    # Some lost, stolen and retired.
    for device, status in zip(
        rng.sample(council, min(6, len(council))),
        ["lost", "lost", "stolen", "retired", "retired", "retired"],
        strict=False,
    ):
        device.status = status

    now = timezone.now()
    for device in devices:
        if device.status == "active" and device.ownership == "council":
            device.last_seen = now - dt.timedelta(minutes=rng.randint(5, 60 * 24 * 20))
    unencrypted = [d for d in laptops if d.encrypted == "no" and d.status == "active"]
    if unencrypted:
        unencrypted[0].on_site = False
    Device.objects.bulk_create(devices, batch_size=1000)
    _issued_when_their_holders_started(devices, rng=rng, today=today)

    if unencrypted:
        # governance.load_governance opens the incident for it.
        away = Device.objects.get(asset_tag=unencrypted[0].asset_tag)
        ITTask.objects.create(
            device=away,
            cause=ITTask.Cause.UNENCRYPTED_DEVICE_REMOVED,
            description=(
                f"Bring {away.asset_tag} back on site and encrypt it before it leaves again"
            ),
        )

    complaints = []
    for _ in range(24):
        category = rng.choice(list(COMPLAINT_SUMMARIES))
        complaints.append(
            DeviceComplaint(
                reported_on=today - dt.timedelta(days=rng.randint(0, 420)),
                staff=rng.choice(staff),
                category=category,
                summary=rng.choice(COMPLAINT_SUMMARIES[category]),
                status=rng.choice(["open", "in_progress", "resolved", "resolved"]),
            )
        )
    for complaint in complaints:
        if complaint.status == "resolved":
            complaint.resolution = "Fixed by IT support"
    DeviceComplaint.objects.bulk_create(complaints)
    personal_count = sum(1 for d in devices if d.ownership == "personal")
    console.print(
        f"Devices: {len(devices)} devices ({personal_count} personal), "
        f"{len(complaints)} complaints."
    )


def _issued_when_their_holders_started(
    devices: list[Device], *, rng: random.Random, today: dt.date
) -> None:
    """A made-up past for the register's history (the FOI report's `--as-of`): each device
    was given to its holder when they started (a personal one was registered a year ago),
    and one that is lost, stolen or retired was active until a few weeks ago."""
    rows = {row.device_id: row for row in DeviceHistory.objects.filter(device__in=devices)}
    earlier: list[DeviceHistory] = []
    for device in devices:
        row = rows[device.pk]
        holder = device.assigned_staff
        issued = today - dt.timedelta(days=365)
        if holder is not None and device.ownership == "council":
            issued = holder.start_date
        row.starts_on = issued
        if device.status != DeviceStatus.ACTIVE:
            changed = max(issued + dt.timedelta(days=1), today - dt.timedelta(rng.randint(7, 60)))
            earlier.append(
                DeviceHistory(
                    device=device,
                    starts_on=issued,
                    ends_on=changed,
                    device_type=device.device_type,
                    ownership=device.ownership,
                    assigned_staff=holder,
                    status=DeviceStatus.ACTIVE,
                )
            )
            row.starts_on = changed
    DeviceHistory.objects.bulk_update(list(rows.values()), ["starts_on"], batch_size=1000)
    DeviceHistory.objects.bulk_create(earlier)


def _computer(
    kind: str, asset_tag: str, person: StaffMember, site: Site | None, rng: random.Random
) -> Device:
    return Device(
        asset_tag=asset_tag,
        device_type=kind,
        ownership="council",
        assigned_staff=person,
        encrypted="yes",
        passcode="yes",
        os_name="Windows",
        os_version=rng.choice(WINDOWS_CURRENT),
        site=site,
        on_site=kind == "desktop" or rng.random() < 0.4,
    )


def _phone(
    kind: str, asset_tag: str, person: StaffMember, site: Site | None, rng: random.Random
) -> Device:
    if kind == "basic_phone":
        os_name, _, os_version = rng.choice(BASIC_PHONE_OS).rpartition(" ")
    elif kind == "laptop":
        os_name, os_version = "Windows", rng.choice(WINDOWS_CURRENT)
    elif kind == "tablet":
        os_name, os_version = "iPadOS", rng.choice(IPADOS_CURRENT)
    elif rng.random() < 0.6:
        os_name, os_version = "iOS", rng.choice(IOS_CURRENT)
    else:
        os_name, os_version = "Android", rng.choice(ANDROID_CURRENT)
    return Device(
        asset_tag=asset_tag,
        device_type=kind,
        ownership="council",
        assigned_staff=person,
        encrypted="yes" if kind != "basic_phone" else "unknown",
        passcode="yes",
        os_name=os_name,
        os_version=os_version,
        site=site,
        on_site=rng.random() < 0.3,
    )


def demo_laptop_enrolment_code(email: str) -> str:
    """A fresh one-time code that makes a browser the demo person's council laptop.

    Case content opens only on an enrolled, compliant device, so someone trying the demo
    enrols their browser as the demo person's laptop (at /devices/enrol/) to see it.
    Only for the demo's own accounts.
    """
    staff = StaffMember.objects.filter(
        user__username=email.lower(), user__is_demo_account=True
    ).first()
    if staff is None:
        raise DeviceError(f"{email} is not a demo account")
    laptop = Device.objects.filter(
        assigned_staff=staff, asset_tag=f"DEMO-LAP-{staff.staff_id}"
    ).first() or Device.objects.create(
        asset_tag=f"DEMO-LAP-{staff.staff_id}",
        device_type="laptop",
        ownership="council",
        assigned_staff=staff,
        encrypted="yes",
        passcode="yes",
        os_name="Windows",
        os_version=WINDOWS_CURRENT[-1],
        on_site=True,
    )
    return enrolment_code_issue(origin=Origin.command("demo"), device=laptop, issued_by=None)
