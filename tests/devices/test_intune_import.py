"""`safekeep import devices --from intune FILE.csv`: Intune's own "All devices" export.

The fixture is written from Microsoft's export columns, as the admin center gives it: every
column, every value quoted, a byte-order mark and Windows line endings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from io import StringIO
from pathlib import Path
from random import Random
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import example, given
from hypothesis import strategies as st

from safekeep.audit.models import AuditEntry
from safekeep.core.csv_import import CellError, ImportFailed, Problem, Row, run_import
from safekeep.devices.intune import (
    parse_check_in,
    parse_compliance,
    parse_encrypted,
    parse_intune_row,
    parse_ownership,
    parse_platform,
    register_os_version,
)
from safekeep.devices.models import Device
from safekeep.devices.selectors import devices_non_compliant
from safekeep.devices.vocabulary import MDM_COMPLIANCE_WORDS
from safekeep.organisation.models import StaffMember
from tests.devices.helpers import ORIGIN, make_personal_phone
from tests.factories import make_case, make_staff

FIXTURE = Path(__file__).parent / "fixtures" / "intune_all_devices.csv"
LAPTOP = "0b6f4c8e-1d2a-4f3b-9c5d-7e8f9a0b1c2d"
IPHONE = "1c7a5d9f-2e3b-4a4c-8d6e-8f9a0b1c2d3e"
ANDROID = "2d8b6e0a-3f4c-4b5d-9e7f-9a0b1c2d3e4f"
DESKTOP = "3e9c7f1b-4a5d-4c6e-8f0a-0b1c2d3e4f5a"
IPAD = "4fad8a2c-5b6e-4d7f-9a1b-1c2d3e4f5a6b"
MAC = "5abe9b3d-6c7f-4e8a-8b2c-2d3e4f5a6b7c"


def export() -> bytes:
    return FIXTURE.read_bytes()


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def write_export(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    """Rows back into Intune's shape: BOM, every value quoted, CRLF."""
    names = columns or list(rows[0])
    out = io.StringIO(newline="")
    writer = csv.DictWriter(
        out, names, quoting=csv.QUOTE_ALL, lineterminator="\r\n", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    return "\ufeff".encode() + out.getvalue().encode()


def import_intune(data: bytes) -> tuple[int, int, int]:
    result = run_import("devices", data, source="intune", origin=ORIGIN)
    return result.created, result.updated, result.unchanged


def the_staff() -> dict[str, StaffMember]:
    return {
        name: make_staff(email=f"{name}@council.example")
        for name in ("anna.worker", "ben.carer", "cara.lead", "dev.analyst")
    }


# --- a real-shaped export imports ---------------------------------------------------------


@pytest.mark.django_db
def test_the_fixture_is_shaped_as_intune_exports_it() -> None:
    data = export()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 7 and b"\n" not in data.replace(b"\r\n", b"")
    header = rows_of(data)[0].keys()
    assert len(header) == 53 and "Primary user UPN" in header and "Encrypted" in header


@pytest.mark.django_db
def test_a_real_shaped_export_imports_into_the_register() -> None:
    staff = the_staff()
    assert import_intune(export()) == (6, 0, 0)
    laptop = Device.objects.get(asset_tag=LAPTOP)
    assert (laptop.device_type, laptop.ownership, laptop.assigned_staff) == (
        "laptop",
        "council",
        staff["anna.worker"],
    )
    assert (laptop.encrypted, laptop.passcode, laptop.os) == (
        "yes",
        "yes",
        "Windows 11 (10.0.22631.4460)",
    )
    assert (laptop.serial_number, laptop.managed_by, laptop.mdm_compliance) == (
        "5CG3471XYZ",
        "Intune",
        "compliant",
    )
    assert laptop.mdm_checked_in_at == dt.datetime(2026, 11, 30, 8, 15, 42, tzinfo=dt.UTC)

    iphone = Device.objects.get(asset_tag=IPHONE)
    assert (iphone.device_type, iphone.ownership, iphone.assigned_staff, iphone.os) == (
        "smartphone",
        "personal",
        staff["ben.carer"],
        "iOS 18.1.1",
    )
    assert (iphone.passcode, iphone.serial_number) == ("yes", "")  # Intune judged it

    android = Device.objects.get(asset_tag=ANDROID)
    assert (android.ownership, android.os, android.mdm_compliance, android.passcode) == (
        "personal",
        "Android 14",
        "noncompliant",
        "unknown",
    )

    desktop = Device.objects.get(asset_tag=DESKTOP)
    assert (desktop.assigned_staff, desktop.encrypted, desktop.os) == (
        None,
        "no",
        "Windows 10 (10.0.19045.5131)",
    )
    assert (desktop.managed_by, desktop.mdm_compliance) == ("Co-managed", "in_grace_period")

    ipad = Device.objects.get(asset_tag=IPAD)  # "iOS/iPadOS" with an iPad model
    assert (ipad.device_type, ipad.os, ipad.assigned_staff) == (
        "tablet",
        "iPadOS 18.1",
        staff["anna.worker"],  # the UPN in another case is the same address
    )
    assert Device.objects.get(asset_tag=MAC).os == "macOS 15.1"

    entry = AuditEntry.objects.filter(action="import.devices").get()
    assert entry.decision == "done"
    assert entry.reasons[:2] == ["from intune", "rows 6"]


@pytest.mark.django_db
def test_reimport_is_idempotent_and_keeps_it_s_correction_of_the_type() -> None:
    the_staff()
    data = export()
    assert import_intune(data) == (6, 0, 0)
    assert import_intune(data) == (0, 0, 6)
    # IT knows the Windows PC is a desktop (Intune cannot say): the next export keeps that.
    desktop = Device.objects.get(asset_tag=DESKTOP)
    desktop.device_type = "desktop"
    desktop.save()
    assert import_intune(data) == (0, 0, 6)
    assert Device.objects.get(asset_tag=DESKTOP).device_type == "desktop"

    rows = rows_of(data)
    rows[5]["Compliance"] = "Noncompliant"
    rows[5]["Last check-in"] = "2026-12-01 10:00:00.0000000"
    assert import_intune(write_export(rows)) == (0, 1, 5)
    mac = Device.objects.get(asset_tag=MAC)
    assert (mac.mdm_compliance, mac.passcode) == ("noncompliant", "unknown")


@pytest.mark.django_db
def test_the_native_format_still_works_and_is_the_default() -> None:
    data = b"asset_tag,device_type,ownership,assigned_staff_id,encrypted,passcode,os,site\n"
    data += b"LAP-1,laptop,council,,yes,yes,Windows 11,\n"
    assert run_import("devices", data, origin=ORIGIN).created == 1
    with pytest.raises(ImportFailed) as caught:
        run_import("devices", data, source="intune", origin=ORIGIN)
    assert caught.value.messages[0] == "line 1, column Device ID: missing column"


@pytest.mark.django_db
def test_a_serial_number_already_on_another_device_is_a_warning() -> None:
    the_staff()
    Device.objects.create(
        asset_tag="LAP-OLD",
        device_type="laptop",
        ownership="council",
        encrypted="yes",
        passcode="yes",
        serial_number="5CG3471XYZ",
    )
    rows = rows_of(export())
    rows.append(dict(rows[0], **{"Device ID": "9f0e1d2c-0000-4000-8000-000000000001"}))
    result = run_import("devices", write_export(rows), source="intune", origin=ORIGIN)
    assert result.created == 7
    warnings = [
        "line 2, column Serial number: '5CG3471XYZ' is also the serial number of device "
        "LAP-OLD; if Intune re-enrolled it, retire that device in the register",
        "line 8, column Serial number: '5CG3471XYZ' is also the serial number on line 2; if "
        "Intune enrolled the same device twice, retire the older one in the register",
    ]
    assert [str(w) for w in result.warnings] == warnings
    # Again: the same two warnings, not one more for each device now in the register.
    again = run_import("devices", write_export(rows), source="intune", origin=ORIGIN)
    assert again.unchanged == 7 and [str(w) for w in again.warnings] == warnings


@pytest.mark.django_db
def test_it_sees_intune_s_non_compliant_council_devices() -> None:
    the_staff()
    import_intune(export())
    listed = {item.device.asset_tag: item.problems for item in devices_non_compliant()}
    assert listed == {
        DESKTOP: (
            "Intune reports it in its grace period, not yet compliant",
            "it is not encrypted",
            "its operating system is not a supported version",
        )
    }


# --- the command ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_command_reads_intune_with_from(tmp_path: Path) -> None:
    the_staff()
    path = tmp_path / "DevicesWithInventory.csv"
    path.write_bytes(export())
    out = StringIO()
    call_command("import_data", "devices", str(path), "--from", "intune", stdout=out)
    assert out.getvalue().strip() == "Imported 6 devices rows: 6 created, 0 updated, 0 unchanged."
    with pytest.raises(CommandError, match=r"^A devices file cannot be imported from 'jamf'\. "):
        call_command("import_data", "devices", str(path), "--from", "jamf")
    with pytest.raises(CommandError, match=r"reads from: none \(only Safekeep's own format\)"):
        call_command("import_data", "staff", str(path), "--from", "intune")
    with pytest.raises(CommandError, match=r"^There is no import called 'laptops'"):
        call_command("import_data", "laptops", str(path), "--from", "intune")


# --- a malformed export is refused whole, by line and column -----------------------------


@pytest.mark.django_db
def test_a_malformed_export_is_refused_whole_with_line_and_column() -> None:
    the_staff()
    rows = rows_of(export())
    rows[0]["Last check-in"] = "30/11/2026 08:15"
    rows[1]["Primary user UPN"] = "nobody@council.example"
    rows[1]["Primary user email address"] = ""
    rows[2]["Ownership"] = "Unknown"
    rows[3]["Ownership"] = "Leased"
    rows[4]["Compliance"] = "Mostly"
    rows[5]["Last check-in"] = "2026-02-30 10:00:00.0000000"
    with pytest.raises(ImportFailed) as caught:
        import_intune(write_export(rows))
    assert caught.value.messages == [
        "line 2, column Last check-in: '30/11/2026 08:15' is not a date and time in the form "
        "YYYY-MM-DD HH:MM:SS (UTC), as Intune exports it",
        "line 3, column Primary user UPN: no member of staff has the email address "
        "'nobody@council.example'",
        "line 4, column Ownership: Intune does not know who owns this device; set its "
        "ownership to Corporate or Personal in Intune and export again",
        "line 5, column Ownership: 'Leased' is not Corporate or Personal",
        "line 6, column Compliance: 'Mostly' is not a compliance state Intune reports "
        "(Compliant, Noncompliant, In grace period, Not evaluated, ...)",
        "line 7, column Last check-in: '2026-02-30 10:00:00.0000000' is not a real date and time",
    ]
    assert not Device.objects.exists()
    entry = AuditEntry.objects.filter(action="import.devices").get()
    assert (entry.decision, entry.reasons) == (
        "refused",
        ["from intune", "6 problems found; nothing was written"],
    )


@pytest.mark.django_db
def test_an_export_missing_a_column_is_refused() -> None:
    rows = rows_of(export())
    columns = [c for c in rows[0] if c != "Compliance"]
    with pytest.raises(ImportFailed) as caught:
        import_intune(write_export(rows, columns))
    assert caught.value.messages == ["line 1, column Compliance: missing column"]
    assert not Device.objects.exists()


@pytest.mark.django_db
def test_a_bad_row_leaves_an_earlier_import_untouched() -> None:
    the_staff()
    import_intune(export())
    before = list(Device.objects.order_by("asset_tag").values())
    rows = rows_of(export())
    rows[0]["Compliance"] = "Noncompliant"  # would change the laptop ...
    rows[1]["OS"] = "Symbian"  # ... but this row is wrong, so nothing changes
    with pytest.raises(ImportFailed) as caught:
        import_intune(write_export(rows))
    assert caught.value.messages == [
        "line 3, column OS: 'Symbian' is not an operating system Safekeep can place (Windows, "
        "macOS, Linux, ChromeOS, iOS, iPadOS or Android)"
    ]
    assert list(Device.objects.order_by("asset_tag").values()) == before


# --- Intune's verdict reaches the real access decision -----------------------------------


def explain(staff: StaffMember, case_id: str, asset_tag: str, action: str = "view") -> Any:
    out = StringIO()
    call_command(
        "access", "explain", "--staff", staff.staff_id, "--case", case_id, "--action", action,
        "--device", asset_tag, "--json", stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_a_device_intune_reports_non_compliant_is_refused_by_the_decision() -> None:
    staff = the_staff()
    import_intune(export())
    cara, dev = staff["cara.lead"], staff["dev.analyst"]
    # Cara's own phone: Intune reports it non-compliant, so her passcode counts for nothing.
    refused = explain(cara, make_case(allocated=(cara,)).case_id, ANDROID)
    assert refused["allowed"] is False
    assert refused["reasons"][-1] == (
        f"case content cannot be opened on personal phone {ANDROID} because it is not "
        "compliant: Intune reports it as not compliant"
    )
    # Dev's Mac was compliant; the next export says it is not.
    case = make_case(allocated=(dev,))
    assert explain(dev, case.case_id, MAC)["allowed"] is True
    rows = rows_of(export())
    rows[5]["Compliance"] = "Noncompliant"
    import_intune(write_export(rows))
    refused = explain(dev, case.case_id, MAC)
    assert refused["allowed"] is False
    assert refused["reasons"][-1] == (
        f"case content cannot be opened on council laptop {MAC} because it is not compliant: "
        "Intune reports it as not compliant"
    )
    # The desktop in its grace period is not compliant either.
    anna = staff["anna.worker"]
    grace = explain(anna, make_case(allocated=(anna,)).case_id, DESKTOP)
    assert grace["allowed"] is False
    assert "Intune reports it in its grace period, not yet compliant" in grace["reasons"][-1]


@pytest.mark.django_db
def test_intune_is_how_a_personal_phone_s_passcode_becomes_known() -> None:
    staff = the_staff()
    ben = staff["ben.carer"]
    case = make_case(allocated=(ben,))
    # Enrolled by IT on the owner's word: the passcode is not known, so no case content.
    make_personal_phone(ben, asset_tag=IPHONE, os_name="iOS", os_version="18.1.1")
    assert explain(ben, case.case_id, IPHONE)["allowed"] is False
    import_intune(export())  # Intune reports the same phone compliant
    allowed = explain(ben, case.case_id, IPHONE)
    assert allowed["allowed"] is True
    assert allowed["reasons"][-1] == (
        "viewing records is allowed on a personal phone with a passcode on the device "
        "(task policy version 0)"
    )


# --- the row parser ---------------------------------------------------------------------


INTUNE_SPELLINGS = {
    "Compliant": "compliant",
    "Noncompliant": "noncompliant",
    "Not compliant": "noncompliant",
    "In grace period": "in_grace_period",
    "InGracePeriod": "in_grace_period",
    "Not evaluated": "not_evaluated",
    "ConfigManager": "config_manager",
    "See ConfigMgr": "config_manager",
    "Conflict": "conflict",
    "Error": "error",
    "Unknown": "unknown",
}


@given(st.sampled_from(sorted(INTUNE_SPELLINGS)), st.randoms())
def test_every_compliance_spelling_in_any_case_is_understood(spelling: str, rnd: Random) -> None:
    shuffled = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in spelling)
    found = parse_compliance(f"  {shuffled} ")
    assert found == INTUNE_SPELLINGS[spelling] and found in MDM_COMPLIANCE_WORDS


MOMENTS = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)
)


@given(MOMENTS)
def test_check_in_round_trips_intune_s_format(moment: dt.datetime) -> None:
    text = moment.strftime("%Y-%m-%d %H:%M:%S.%f") + "0"  # .NET's seven digits
    assert parse_check_in(text) == moment
    assert parse_check_in(moment.isoformat().replace("+00:00", "Z")) == moment


def test_small_parsers() -> None:
    assert parse_check_in("") is None and parse_check_in("0001-01-01 00:00:00.0000000") is None
    assert parse_check_in("2026-06-01 10:00:00+01:00") == dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    assert [parse_ownership(v) for v in ("Corporate", "personal", "Company")] == [
        "council",
        "personal",
        "council",
    ]
    assert [parse_encrypted(v) for v in ("True", "false", "Yes", "")] == [
        "yes",
        "no",
        "yes",
        "unknown",
    ]
    with pytest.raises(CellError, match="is not True or False"):
        parse_encrypted("Partly")
    assert parse_platform("iOS/iPadOS", "iPhone 15").device_types == ("smartphone",)
    assert parse_platform("iOS/iPadOS", "iPad Pro").os_name == "iPadOS"
    assert parse_platform("Android (Fully Managed)").os_name == "Android"
    assert register_os_version("Windows", "10.0.22000.1") == "11 (10.0.22000.1)"
    assert register_os_version("Windows", "10.0.21996.1") == "10 (10.0.21996.1)"
    assert register_os_version("macOS", "10.0.22631") == "10.0.22631"


# Each column: values an export really holds, and anything at all.
REALISTIC = {
    "Device ID": ["0b6f4c8e-1d2a-4f3b-9c5d-7e8f9a0b1c2d", "", "=cmd()"],
    "Ownership": ["Corporate", "Personal", "Unknown", ""],
    "Compliance": [*INTUNE_SPELLINGS, ""],
    "Managed by": ["Intune", "Co-managed", "MDE", ""],
    "OS": ["Windows", "iOS/iPadOS", "Android (Fully Managed)", "macOS", "Linux", "Symbian", ""],
    "OS version": ["10.0.22631.4460", "18.1", "14", ""],
    "Encrypted": ["True", "False", "", "Partly"],
    "Primary user UPN": ["anna.worker@council.example", ""],
    "Serial number": ["5CG3471XYZ", "", "@SUM(1)"],
    "Last check-in": ["2026-11-30 08:15:42.0000000", "", "30/11/2026", "2099-01-01 00:00"],
    "Model": ["iPad Air", "iPhone 15", ""],
    "Primary user email address": ["anna.worker@council.example", ""],
}
COLUMNS = tuple(REALISTIC)


def cell(column: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(REALISTIC[column]), st.text(max_size=30))


@given(st.fixed_dictionaries({c: cell(c) for c in COLUMNS}))
@example({c: REALISTIC[c][0] for c in COLUMNS})  # a good row: the other branch is taken too
def test_the_row_parser_reports_never_raises(values: dict[str, str]) -> None:
    """Any cells at all: either a row in the register's vocabulary, or problems that say
    where (a column of the export), never an exception."""
    problems: list[Problem] = []
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    item = parse_intune_row(Row(2, values, problems), now=now)
    if item is None:
        assert problems and all(p.line == 2 and p.column in COLUMNS for p in problems)
        return
    assert not problems
    assert item.ownership in ("council", "personal")
    assert item.encrypted in ("yes", "no", "unknown")
    assert item.mdm_compliance in MDM_COMPLIANCE_WORDS
    assert item.passcode == ("yes" if item.mdm_compliance == "compliant" else "unknown")
    assert item.device_types and item.asset_tag == values["Device ID"].strip()


# --- a large export -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_export_of_five_thousand_devices_imports() -> None:
    """No timing assertion: it must work, in one transaction, and again unchanged."""
    template = rows_of(export())
    people = [make_staff(email=f"worker{n}@council.example") for n in range(50)]
    rows = []
    for n in range(5000):
        row = dict(template[n % len(template)])
        row["Device ID"] = f"00000000-0000-4000-8000-{n:012d}"
        row["Serial number"] = f"SN{n:08d}"
        row["Primary user UPN"] = row["Primary user email address"] = people[n % 50].email
        rows.append(row)
    data = write_export(rows)
    started = time.perf_counter()
    assert import_intune(data) == (5000, 0, 0)
    first = time.perf_counter() - started
    assert import_intune(data) == (0, 0, 5000)
    second = time.perf_counter() - started - first
    print(f"\n5,000 Intune rows: first import {first:.2f}s, re-import {second:.2f}s")
    noncompliant = sum(1 for n in range(5000) if n % len(template) == 2)  # the Android row
    assert Device.objects.filter(mdm_compliance="noncompliant").count() == noncompliant
