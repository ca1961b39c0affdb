"""`safekeep import devices FILE.csv` and `safekeep import complaints FILE.csv` (DESIGN.md formats).

Devices are keyed by `asset_tag` (a council can re-load its MDM export: changed rows are
updated, the rest unchanged); complaints by the whole row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Max

from safekeep.core import bulk
from safekeep.core.csv_import import ImportCounts, Importer, Parsed, Progress, Row
from safekeep.devices.models import Device, DeviceComplaint, record_history
from safekeep.devices.vocabulary import DEVICE_TYPES, OWNERSHIPS, TRISTATE, split_os
from safekeep.organisation.models import Site, StaffMember

REGISTER_FIELDS = (
    "device_type",
    "ownership",
    "assigned_staff_id",
    "encrypted",
    "passcode",
    "os_name",
    "os_version",
    "site_id",
)


class RegisterWrites:
    """The register's rows to add and to change, counted as an import reports them, built
    into two bulk statements before the import's transaction (its `Plan`): every source of
    the register (ours, Intune's) writes through it. A site the file names that does not
    exist yet (--create-missing) is `Pending` until `write` creates it."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        self.fields = fields
        self.counts = ImportCounts()
        self.new_sites: list[str] = []
        self._create: list[Device] = []
        self._update: list[Device] = []
        self._statements: tuple[bulk.Statement, ...] = ()

    def put(self, asset_tag: str, device: Device | None, values: Mapping[str, object]) -> None:
        if device is None:
            self._create.append(Device(asset_tag=asset_tag, **values))
            self.counts.created += 1
        elif any(getattr(device, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(device, name, value)
            self._update.append(device)
            self.counts.updated += 1
        else:
            self.counts.unchanged += 1

    def built(self) -> RegisterWrites:
        """The statements, built now (outside the transaction)."""
        self._statements = (
            bulk.insert(Device, self._create),
            bulk.update(Device, self._update, self.fields),
        )
        return self

    def write(self, progress: Progress) -> None:
        ids = {
            bulk.Pending(name): Site.objects.get_or_create(name=name)[0].pk
            for name in self.new_sites
        }
        for statement in self._statements:
            statement.resolve(ids)
            statement.run(progress)
        self._record_history()

    def _record_history(self) -> None:
        """The raw statements bypass Device's queryset, so the register's day-by-day history
        (DeviceHistory) is brought up to date here, in the same transaction."""
        tags = [device.asset_tag for device in (*self._create, *self._update)]
        for start in range(0, len(tags), bulk.CHUNK):
            record_history(Device.objects.filter(asset_tag__in=tags[start : start + bulk.CHUNK]))


def register_state() -> object:
    """What a register plan reads (RegisterWrites): the register, staff and sites."""
    return tuple(
        tuple(model.objects.aggregate(Count("pk"), Max("pk"), *extra).values())
        for model, extra in (
            (Device, [Max("updated_at")]),
            (StaffMember, [Max("updated_at")]),
            (Site, []),
        )
    )


@dataclass(frozen=True, slots=True)
class DeviceRow:
    asset_tag: str
    device_type: str
    ownership: str
    assigned_staff_id: str
    encrypted: str
    passcode: str
    os: str
    site: str


class DeviceImporter(Importer[DeviceRow]):
    kind = "devices"
    columns = (
        "asset_tag",
        "device_type",
        "ownership",
        "assigned_staff_id",
        "encrypted",
        "passcode",
        "os",
        "site",
    )
    key_columns = ("asset_tag",)

    def parse_row(self, row: Row) -> DeviceRow | None:
        asset_tag = row.identifier("asset_tag", max_length=60)
        device_type = row.enum("device_type", DEVICE_TYPES)
        ownership = row.enum("ownership", OWNERSHIPS)
        staff_id = row.identifier("assigned_staff_id", required=False)
        encrypted = row.enum("encrypted", TRISTATE)
        passcode = row.enum("passcode", TRISTATE)
        os = row.text("os", max_length=120)
        site = row.text("site", required=False, max_length=120)
        if os:
            name, version = split_os(os)
            if len(name) > 60 or len(version) > 60:
                row.error("os", "the name and the version must each be 60 characters or fewer")
        if not row.ok or device_type is None or ownership is None:
            return None
        if encrypted is None or passcode is None:
            return None
        return DeviceRow(asset_tag, device_type, ownership, staff_id, encrypted, passcode, os, site)

    def validate(self, rows: list[Parsed[DeviceRow]]) -> None:
        staff_ids = {p.item.assigned_staff_id for p in rows if p.item.assigned_staff_id}
        known_staff = set(
            StaffMember.objects.filter(staff_id__in=staff_ids).values_list("staff_id", flat=True)
        )
        sites = {p.item.site for p in rows if p.item.site}
        known_sites = set(Site.objects.filter(name__in=sites).values_list("name", flat=True))
        for parsed in rows:
            item = parsed.item
            if item.assigned_staff_id and item.assigned_staff_id not in known_staff:
                self.error(
                    parsed.line,
                    "assigned_staff_id",
                    f"no member of staff has staff_id {item.assigned_staff_id!r}",
                )
            if item.site and item.site not in known_sites and not self.options.create_missing:
                self.error(
                    parsed.line,
                    "site",
                    f"there is no site called {item.site!r} (use --create-missing to create it)",
                )

    def fingerprint(self) -> object:
        return register_state()

    def plan(self, rows: list[Parsed[DeviceRow]], progress: Progress) -> RegisterWrites:
        writes = RegisterWrites(REGISTER_FIELDS)
        staff_pks = dict(
            StaffMember.objects.filter(
                staff_id__in={p.item.assigned_staff_id for p in rows}
            ).values_list("staff_id", "pk")
        )
        site_pks: dict[str, int | bulk.Pending] = dict(
            Site.objects.filter(name__in={p.item.site for p in rows}).values_list("name", "pk")
        )
        for name in sorted({p.item.site for p in rows if p.item.site} - set(site_pks)):
            site_pks[name] = bulk.Pending(name)
            writes.new_sites.append(name)
        existing = {
            d.asset_tag: d
            for d in Device.objects.filter(asset_tag__in=[p.item.asset_tag for p in rows])
        }
        for parsed in rows:
            item = parsed.item
            os_name, os_version = split_os(item.os)
            values = {
                "device_type": item.device_type,
                "ownership": item.ownership,
                "assigned_staff_id": staff_pks.get(item.assigned_staff_id),
                "encrypted": item.encrypted,
                "passcode": item.passcode,
                "os_name": os_name,
                "os_version": os_version,
                "site_id": site_pks.get(item.site),
            }
            device = existing.get(item.asset_tag)
            writes.put(item.asset_tag, device, values)
            progress(1)
        return writes.built()


@dataclass(frozen=True, slots=True)
class ComplaintRow:
    reported_on: dt.date
    staff_id: str
    category: str
    summary: str


class ComplaintImporter(Importer[ComplaintRow]):
    kind = "complaints"
    columns = ("reported_on", "staff_id", "category", "summary")
    key_columns = None

    def parse_row(self, row: Row) -> ComplaintRow | None:
        reported_on = row.date("reported_on")
        staff_id = row.identifier("staff_id")
        category = row.enum("category", DeviceComplaint.Category.values)
        summary = row.text("summary", max_length=2000)
        if reported_on is not None and reported_on > self.options.today:
            row.error("reported_on", f"{reported_on.isoformat()} is in the future")
        if not row.ok or reported_on is None or category is None:
            return None
        return ComplaintRow(reported_on, staff_id, category, summary)

    def validate(self, rows: list[Parsed[ComplaintRow]]) -> None:
        wanted = {p.item.staff_id for p in rows}
        known = set(
            StaffMember.objects.filter(staff_id__in=wanted).values_list("staff_id", flat=True)
        )
        for parsed in rows:
            if parsed.item.staff_id not in known:
                self.error(
                    parsed.line,
                    "staff_id",
                    f"no member of staff has staff_id {parsed.item.staff_id!r}",
                )

    def apply(self, rows: list[Parsed[ComplaintRow]], progress: Progress) -> ImportCounts:
        counts = ImportCounts()
        staff_pks = dict(
            StaffMember.objects.filter(staff_id__in={p.item.staff_id for p in rows}).values_list(
                "staff_id", "pk"
            )
        )
        existing = set(
            DeviceComplaint.objects.filter(staff_id__in=staff_pks.values()).values_list(
                "reported_on", "staff__staff_id", "category", "summary"
            )
        )
        new = []
        for parsed in rows:
            item = parsed.item
            key = (item.reported_on, item.staff_id, item.category, item.summary)
            if key in existing:
                counts.unchanged += 1
            else:
                new.append(
                    DeviceComplaint(
                        reported_on=item.reported_on,
                        staff_id=staff_pks[item.staff_id],
                        category=item.category,
                        summary=item.summary,
                    )
                )
                counts.created += 1
            progress(1)
        DeviceComplaint.objects.bulk_create(new, batch_size=500)
        return counts
