"""`safekeep import sites`, `printers` and `door-code-holders` (DESIGN.md "Sites, door codes
and leavers"). Sites are keyed by `site_id`, printers by `printer_id`, door-code holders by
the whole row; a door is made the first time a row names it (its code is never imported:
a manager enters it)."""

from __future__ import annotations

from dataclasses import dataclass

from safekeep.core.csv_import import ImportCounts, Importer, Parsed, Progress, Row
from safekeep.organisation.models import Site, StaffMember
from safekeep.sites.models import Door, DoorCodeHolder, Printer


def _known_site_ids(importer: Importer[object], rows: list[Parsed[object]], attr: str) -> None:
    wanted = {getattr(p.item, attr) for p in rows}
    known = set(Site.objects.filter(site_id__in=wanted).values_list("site_id", flat=True))
    for parsed in rows:
        site_id = getattr(parsed.item, attr)
        if site_id not in known:
            importer.error(
                parsed.line,
                "site_id",
                f"there is no site with site_id {site_id!r} (import sites first)",
            )


@dataclass(frozen=True, slots=True)
class SiteRow:
    site_id: str
    name: str
    kind: str
    address: str
    staff_room: bool
    locked_storage: bool


class SiteImporter(Importer[SiteRow]):
    kind = "sites"
    columns = ("site_id", "name", "kind", "address", "staff_room", "locked_storage")
    key_columns = ("site_id",)

    def parse_row(self, row: Row) -> SiteRow | None:
        site_id = row.identifier("site_id")
        name = row.text("name", max_length=120)
        kind = row.enum("kind", Site.Kind.values)
        address = row.text("address", required=False, max_length=250)
        staff_room = row.yes_no("staff_room")
        locked_storage = row.yes_no("locked_storage")
        if not row.ok or kind is None or staff_room is None or locked_storage is None:
            return None
        return SiteRow(site_id, name, kind, address, staff_room, locked_storage)

    def validate(self, rows: list[Parsed[SiteRow]]) -> None:
        names: dict[str, int] = {}
        for parsed in rows:
            first = names.setdefault(parsed.item.name, parsed.line)
            if first != parsed.line:
                self.error(parsed.line, "name", f"{parsed.item.name!r} is also on line {first}")
        # A name may already belong to a site with another site_id: names are unique.
        taken = dict(
            Site.objects.filter(name__in=names).exclude(site_id=None).values_list("name", "site_id")
        )
        for parsed in rows:
            other = taken.get(parsed.item.name)
            if other is not None and other != parsed.item.site_id:
                self.error(
                    parsed.line, "name", f"{parsed.item.name!r} is the name of site {other!r}"
                )

    def apply(self, rows: list[Parsed[SiteRow]], progress: Progress) -> ImportCounts:
        counts = ImportCounts()
        for parsed in rows:
            item = parsed.item
            values = {
                "name": item.name,
                "kind": item.kind,
                "address": item.address,
                "staff_room": item.staff_room,
                "locked_storage": item.locked_storage,
            }
            # A site the devices import made by name takes its site_id here.
            site = (
                Site.objects.filter(site_id=item.site_id).first()
                or Site.objects.filter(name=item.name, site_id=None).first()
            )
            if site is None:
                Site.objects.create(site_id=item.site_id, **values)
                counts.created += 1
            elif site.site_id == item.site_id and all(
                getattr(site, k) == v for k, v in values.items()
            ):
                counts.unchanged += 1
            else:
                site.site_id = item.site_id
                for key, value in values.items():
                    setattr(site, key, value)
                site.save()
                counts.updated += 1
            progress(1)
        return counts


@dataclass(frozen=True, slots=True)
class PrinterRow:
    printer_id: str
    site_id: str
    name: str
    release: str
    queue_uri: str


class PrinterImporter(Importer[PrinterRow]):
    kind = "printers"
    columns = ("printer_id", "site_id", "name", "release", "queue_uri")
    key_columns = ("printer_id",)

    def parse_row(self, row: Row) -> PrinterRow | None:
        printer_id = row.identifier("printer_id")
        site_id = row.identifier("site_id")
        name = row.text("name", max_length=120)
        release = row.enum("release", Printer.Release.values)
        queue_uri = row.text("queue_uri", required=False, max_length=300)
        if queue_uri and not queue_uri.startswith(("ipp://", "ipps://")):
            row.error("queue_uri", f"{queue_uri!r} is not an ipp:// or ipps:// print queue")
        if not row.ok or release is None:
            return None
        return PrinterRow(printer_id, site_id, name, release, queue_uri)

    def validate(self, rows: list[Parsed[PrinterRow]]) -> None:
        _known_site_ids(self, rows, "site_id")  # type: ignore[arg-type]

    def apply(self, rows: list[Parsed[PrinterRow]], progress: Progress) -> ImportCounts:
        counts = ImportCounts()
        sites = dict(Site.objects.exclude(site_id=None).values_list("site_id", "pk"))
        for parsed in rows:
            item = parsed.item
            values = {
                "site_id": sites[item.site_id],
                "name": item.name,
                "release": item.release,
                "queue_uri": item.queue_uri,
            }
            printer = Printer.objects.filter(printer_id=item.printer_id).first()
            if printer is None:
                Printer.objects.create(printer_id=item.printer_id, **values)
                counts.created += 1
            elif all(getattr(printer, k) == v for k, v in values.items()):
                counts.unchanged += 1
            else:
                Printer.objects.filter(pk=printer.pk).update(**values)
                counts.updated += 1
            progress(1)
        return counts


@dataclass(frozen=True, slots=True)
class HolderRow:
    site_id: str
    door: str
    staff_id: str


class DoorCodeHolderImporter(Importer[HolderRow]):
    kind = "door-code-holders"
    columns = ("site_id", "door", "staff_id")
    key_columns = None

    def parse_row(self, row: Row) -> HolderRow | None:
        site_id = row.identifier("site_id")
        door = row.text("door", max_length=120)
        staff_id = row.identifier("staff_id")
        if not row.ok:
            return None
        return HolderRow(site_id, door, staff_id)

    def validate(self, rows: list[Parsed[HolderRow]]) -> None:
        _known_site_ids(self, rows, "site_id")  # type: ignore[arg-type]
        wanted = {p.item.staff_id for p in rows}
        staff = {s.staff_id: s for s in StaffMember.objects.filter(staff_id__in=wanted)}
        today = self.options.today
        for parsed in rows:
            person = staff.get(parsed.item.staff_id)
            if person is None:
                self.error(
                    parsed.line,
                    "staff_id",
                    f"no member of staff has staff_id {parsed.item.staff_id!r}",
                )
            elif person.is_leaver(today):
                self.error(
                    parsed.line,
                    "staff_id",
                    f"{parsed.item.staff_id!r} left on {person.end_date}; a leaver holds no code",
                )

    def apply(self, rows: list[Parsed[HolderRow]], progress: Progress) -> ImportCounts:
        counts = ImportCounts()
        sites = dict(Site.objects.exclude(site_id=None).values_list("site_id", "pk"))
        staff = dict(
            StaffMember.objects.filter(staff_id__in={p.item.staff_id for p in rows}).values_list(
                "staff_id", "pk"
            )
        )
        for parsed in rows:
            item = parsed.item
            door, _ = Door.objects.get_or_create(site_id=sites[item.site_id], name=item.door)
            _, made = DoorCodeHolder.objects.get_or_create(door=door, staff_id=staff[item.staff_id])
            if made:
                counts.created += 1
            else:
                counts.unchanged += 1
            progress(1)
        return counts
