"""`safekeep import devices --from intune FILE.csv`: Microsoft Intune's own device export.

The file is the CSV the Intune admin center gives for Devices > All devices > Export ("Include
all inventory data"; it comes zipped): UTF-8 with a byte-order mark, every value quoted,
Windows line endings, one row per device and some fifty columns, of which this reads the
ones in `IntuneDeviceImporter.columns` and ignores the rest. docs/data-formats.md has the
mapping; in short:

- `Device ID` (Intune's managed-device id) is the device's asset tag: the one column every
  Intune device has, unique and never reused. A device Intune re-enrols gets a new id, so a
  new register entry; the import warns when its serial number is already on another device.
- `Ownership` Corporate → council, Personal → personal; anything else (Intune's "Unknown")
  rejects the file: Safekeep does not guess who owns a device.
- `Compliance`: only "Compliant" counts. Every other state (not compliant, in grace period,
  not evaluated, ...) makes the device non-compliant in the access decision, council or
  personal (devices.vocabulary.mdm_problem).
- The export has no passcode column: Intune judges the passcode through the council's
  compliance policies, so a device Intune reports compliant has the passcode those policies
  require ("yes"), and any other device's passcode is "unknown". This is how a personal
  phone's passcode becomes known; what its owner says never counts.
- `Encrypted` True/False (or Yes/No) → yes/no; empty → unknown.
- `OS`, `OS version` → the operating system (a Windows build 10.0.22000 or later is
  Windows 11); `OS` and `Model` decide the device type.
- `Primary user UPN` (or, failing that, `Primary user email address`) → the member of staff
  with that email address; an address the staff directory does not have rejects the file.
- `Serial number`, `Managed by` and `Last check-in` are recorded as Intune reports them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from django.db.models.functions import Lower
from django.utils import timezone

from safekeep.core.csv_import import (
    CellError,
    Importer,
    Parsed,
    Progress,
    Row,
    parse_identifier,
)
from safekeep.devices.importers import RegisterWrites, register_state
from safekeep.devices.models import Device
from safekeep.devices.vocabulary import MDM_COMPLIANT
from safekeep.organisation.models import StaffMember

DEVICE_ID: Final = "Device ID"
OWNERSHIP: Final = "Ownership"
COMPLIANCE: Final = "Compliance"
MANAGED_BY: Final = "Managed by"
OS: Final = "OS"
OS_VERSION: Final = "OS version"
ENCRYPTED: Final = "Encrypted"
PRIMARY_USER: Final = "Primary user UPN"
PRIMARY_EMAIL: Final = "Primary user email address"
SERIAL: Final = "Serial number"
LAST_CHECK_IN: Final = "Last check-in"
MODEL: Final = "Model"

REGISTER_FIELDS: Final = (
    "device_type",
    "ownership",
    "assigned_staff_id",
    "encrypted",
    "passcode",
    "os_name",
    "os_version",
    "serial_number",
    "managed_by",
    "mdm_compliance",
    "mdm_checked_in_at",
)

# --- pure cell parsers: raise CellError with a plain message ------------------------------

_OWNERSHIP: Final = {"corporate": "council", "company": "council", "personal": "personal"}

# Intune's compliance states, as the admin center shows them or the Graph API names them,
# compared without case, spaces or punctuation.
_COMPLIANCE: Final = {
    "compliant": "compliant",
    "noncompliant": "noncompliant",
    "notcompliant": "noncompliant",
    "ingraceperiod": "in_grace_period",
    "notevaluated": "not_evaluated",
    "configmanager": "config_manager",
    "configmgr": "config_manager",
    "seeconfigmgr": "config_manager",
    "conflict": "conflict",
    "error": "error",
    "unknown": "unknown",
}

_TRUE: Final = frozenset({"true", "yes", "encrypted"})
_FALSE: Final = frozenset({"false", "no", "notencrypted"})

_CHECK_IN = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
# How Intune writes "never" in a date column.
_NEVER: Final = "0001-01-01"
# A check-in later than this after now is a clock or file problem, not a report.
CLOCK_SKEW: Final = dt.timedelta(days=1)


def _squash(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def parse_ownership(value: str) -> str:
    """Corporate → council, Personal → personal (any case)."""
    text = value.strip()
    found = _OWNERSHIP.get(_squash(text))
    if found is not None:
        return found
    if _squash(text) == "unknown":
        raise CellError(
            "Intune does not know who owns this device; set its ownership to Corporate or "
            "Personal in Intune and export again"
        )
    raise CellError(f"{text!r} is not Corporate or Personal")


def parse_compliance(value: str) -> str:
    """Intune's compliance state, as one of devices.vocabulary.MDM_COMPLIANCE_WORDS."""
    text = value.strip()
    found = _COMPLIANCE.get(_squash(text))
    if found is None:
        raise CellError(
            f"{text!r} is not a compliance state Intune reports (Compliant, Noncompliant, "
            "In grace period, Not evaluated, ...)"
        )
    return found


def parse_encrypted(value: str) -> str:
    """True/False (or Yes/No) → yes/no; empty (Intune has not reported) → unknown."""
    text = value.strip()
    if not text:
        return "unknown"
    squashed = _squash(text)
    if squashed in _TRUE:
        return "yes"
    if squashed in _FALSE:
        return "no"
    raise CellError(f"{text!r} is not True or False")


def parse_check_in(value: str) -> dt.datetime | None:
    """Intune's `2026-11-30 08:15:42.0000000` (UTC unless it says otherwise); None if empty
    or Intune's "never" (0001-01-01)."""
    text = value.strip()
    if not text or text.startswith(_NEVER):
        return None
    match = _CHECK_IN.fullmatch(text)
    if match is None:
        raise CellError(
            f"{text!r} is not a date and time in the form YYYY-MM-DD HH:MM:SS (UTC), "
            "as Intune exports it"
        )
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    tz = dt.UTC
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        tz = dt.timezone(sign * offset)
    try:
        moment = dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")[:6]),
            tzinfo=tz,
        )
    except ValueError:
        raise CellError(f"{text!r} is not a real date and time") from None
    return moment.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class Platform:
    """An operating system as the register names it, and the device types it can be (the
    first is the one a new device gets)."""

    os_name: str
    device_types: tuple[str, ...]


_COMPUTER: Final = ("laptop", "desktop")


def parse_platform(os: str, model: str = "") -> Platform:
    """Intune's `OS` (with `Model` to tell an iPad from an iPhone) → the register's platform.

    Intune cannot tell a laptop from a desktop, or an Android phone from a tablet: a new
    device is a laptop or a phone, and IT's correction in the register is kept.
    """
    text = os.strip()
    key = _squash(text)
    if key.startswith("windows"):
        return Platform("Windows", _COMPUTER)
    if key.startswith(("macos", "macosx", "osx")):
        return Platform("macOS", _COMPUTER)
    if key.startswith("linux") or key.startswith("ubuntu"):
        return Platform("Linux", _COMPUTER)
    if key.startswith("chromeos"):
        return Platform("ChromeOS", _COMPUTER)
    if key.startswith("ipados") or (key.startswith("ios") and _squash(model).startswith("ipad")):
        return Platform("iPadOS", ("tablet",))
    if key.startswith("ios"):
        return Platform("iOS", ("smartphone",))
    if key.startswith(("android", "aosp")):
        return Platform("Android", ("smartphone", "tablet"))
    raise CellError(
        f"{text!r} is not an operating system Safekeep can place (Windows, macOS, Linux, "
        "ChromeOS, iOS, iPadOS or Android)"
    )


_WINDOWS_BUILD = re.compile(r"10\.0\.(\d+)(?:\.\d+)*")
# Windows 11 kept the 10.0 version number: its builds start at 22000.
WINDOWS_11_FIRST_BUILD: Final = 22000


def register_os_version(os_name: str, version: str) -> str:
    """Intune's `OS version` as the register keeps it: a Windows build number also says which
    Windows it is ("10.0.22631.3007" → "11 (10.0.22631.3007)"), so the minimum applies."""
    text = version.strip()
    match = _WINDOWS_BUILD.fullmatch(text) if os_name == "Windows" else None
    if match is None:
        return text
    release = "11" if int(match.group(1)) >= WINDOWS_11_FIRST_BUILD else "10"
    return f"{release} ({text})"


# --- the importer -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IntuneRow:
    asset_tag: str
    device_types: tuple[str, ...]
    ownership: str
    user_addresses: tuple[str, ...]  # the UPN, then the email address: lower case, no blanks
    encrypted: str
    passcode: str
    os_name: str
    os_version: str
    serial_number: str
    managed_by: str
    mdm_compliance: str
    checked_in_at: dt.datetime | None


def parse_intune_row(row: Row, *, now: dt.datetime) -> IntuneRow | None:
    """One row of the export, every problem recorded on `row`; None if it had any."""
    asset_tag = row.identifier(DEVICE_ID, max_length=60)
    ownership = row.parsed(OWNERSHIP, parse_ownership)
    compliance = row.parsed(COMPLIANCE, parse_compliance)
    encrypted = row.parsed(ENCRYPTED, parse_encrypted, required=False)
    os = row.text(OS, max_length=60)
    platform = row.parsed(OS, lambda v: parse_platform(v, row.raw(MODEL))) if os else None
    version = row.text(OS_VERSION, required=False, max_length=45)
    managed_by = row.text(MANAGED_BY, required=False, max_length=60)
    serial = row.text(SERIAL, required=False, max_length=100)
    if serial:
        row.parsed(SERIAL, parse_identifier)
    checked_in = row.parsed(LAST_CHECK_IN, parse_check_in, required=False)
    if checked_in is not None and checked_in > now + CLOCK_SKEW:
        row.error(LAST_CHECK_IN, f"{row.raw(LAST_CHECK_IN)!r} is in the future")
    addresses = tuple(
        dict.fromkeys(
            address.lower()
            for address in (row.raw(PRIMARY_USER), row.raw(PRIMARY_EMAIL))
            if address
        )
    )
    if not row.ok or platform is None or ownership is None or compliance is None:
        return None
    if encrypted is None:
        return None
    return IntuneRow(
        asset_tag=asset_tag,
        device_types=platform.device_types,
        ownership=ownership,
        user_addresses=addresses,
        encrypted=encrypted,
        # The council's compliance policies require a passcode: only Intune's word counts.
        passcode="yes" if compliance == MDM_COMPLIANT else "unknown",
        os_name=platform.os_name,
        os_version=register_os_version(platform.os_name, version),
        serial_number=serial,
        managed_by=managed_by,
        mdm_compliance=compliance,
        checked_in_at=checked_in,
    )


class IntuneDeviceImporter(Importer[IntuneRow]):
    """The register from Intune's export: created and updated by Device ID, never deleted
    (a device missing from the export is IT's to retire)."""

    kind = "devices"
    columns = (
        DEVICE_ID,
        OWNERSHIP,
        COMPLIANCE,
        MANAGED_BY,
        OS,
        OS_VERSION,
        ENCRYPTED,
        PRIMARY_USER,
        SERIAL,
        LAST_CHECK_IN,
    )
    optional_columns = (PRIMARY_EMAIL, MODEL)
    extra_columns_ignored = True
    key_columns = (DEVICE_ID,)

    def parse_row(self, row: Row) -> IntuneRow | None:
        return parse_intune_row(row, now=timezone.now())

    def validate(self, rows: list[Parsed[IntuneRow]]) -> None:
        staff = self._staff_by_address(rows)
        for parsed in rows:
            addresses = parsed.item.user_addresses
            if addresses and not any(a in staff for a in addresses):
                shown = " or ".join(repr(a) for a in addresses)
                self.error(
                    parsed.line,
                    PRIMARY_USER,
                    f"no member of staff has the email address {shown}",
                )
        self._warn_serials_elsewhere(rows)

    def _warn_serials_elsewhere(self, rows: list[Parsed[IntuneRow]]) -> None:
        """A serial number on two devices is usually one machine Intune enrolled twice: say
        so (the rows still import), so IT can retire the stale entry."""
        first: dict[str, Parsed[IntuneRow]] = {}
        for parsed in rows:
            serial = parsed.item.serial_number
            if not serial:
                continue
            earlier = first.setdefault(serial, parsed)
            if earlier is not parsed:
                self.warn(
                    parsed.line,
                    SERIAL,
                    f"{serial!r} is also the serial number on line {earlier.line}; if Intune "
                    "enrolled the same device twice, retire the older one in the register",
                )
        in_file = {p.item.asset_tag for p in rows}
        elsewhere = (
            Device.objects.filter(serial_number__in=first)
            .exclude(asset_tag__in=in_file)
            .values_list("serial_number", "asset_tag")
        )
        for serial, asset_tag in elsewhere.order_by("asset_tag"):
            self.warn(
                first[serial].line,
                SERIAL,
                f"{serial!r} is also the serial number of device {asset_tag}; if Intune "
                "re-enrolled it, retire that device in the register",
            )

    @staticmethod
    def _staff_by_address(rows: list[Parsed[IntuneRow]]) -> dict[str, int]:
        wanted = {a for p in rows for a in p.item.user_addresses}
        found = (
            StaffMember.objects.annotate(address=Lower("email"))
            .filter(address__in=wanted)
            .values_list("address", "pk")
        )
        return dict(found)

    def fingerprint(self) -> object:
        return register_state()

    def plan(self, rows: list[Parsed[IntuneRow]], progress: Progress) -> RegisterWrites:
        writes = RegisterWrites(REGISTER_FIELDS)
        staff = self._staff_by_address(rows)
        existing = {
            d.asset_tag: d
            for d in Device.objects.filter(asset_tag__in=[p.item.asset_tag for p in rows])
        }
        for parsed in rows:
            item = parsed.item
            device = existing.get(item.asset_tag)
            device_type = item.device_types[0]
            if device is not None and device.device_type in item.device_types:
                device_type = device.device_type  # IT's laptop/desktop, phone/tablet stands
            staff_pk = next((staff[a] for a in item.user_addresses if a in staff), None)
            values = {
                "device_type": device_type,
                "ownership": item.ownership,
                "assigned_staff_id": staff_pk,
                "encrypted": item.encrypted,
                "passcode": item.passcode,
                "os_name": item.os_name,
                "os_version": item.os_version,
                "serial_number": item.serial_number,
                "managed_by": item.managed_by,
                "mdm_compliance": item.mdm_compliance,
                "mdm_checked_in_at": item.checked_in_at,
            }
            writes.put(item.asset_tag, device, values)
            progress(1)
        return writes.built()
