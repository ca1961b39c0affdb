"""`safekeep import staff FILE.csv` and `safekeep import risk-assessments FILE.csv`.

The formats are fixed by DESIGN.md ("Data exchange formats"); docs/data-formats.md has
examples. The staff file is the HR truth: a row's roles replace the person's roles.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from safekeep.core.csv_import import ImportCounts, Importer, Parsed, Progress, Row
from safekeep.organisation import signals
from safekeep.organisation.models import (
    Classification,
    Directorate,
    EmploymentType,
    RiskAssessment,
    Role,
    StaffMember,
    StaffRole,
    Team,
    WorkPattern,
)
from safekeep.organisation.roles import Standing, Waiting, hold_back_privileges, roles_conflict
from safekeep.organisation.services import leaver_process, staff_change_open

STAFF_FIELDS = (
    "given_name",
    "family_name",
    "email",
    "employment_type",
    "works_with_vulnerable_people",
    "work_pattern",
    "start_date",
    "end_date",
)


@dataclass(frozen=True, slots=True)
class StaffRow:
    staff_id: str
    given_name: str
    family_name: str
    email: str
    directorate: str
    team: str
    roles: frozenset[str]
    employment_type: str
    works_with_vulnerable_people: bool
    work_pattern: str
    start_date: dt.date
    end_date: dt.date | None


class StaffImporter(Importer[StaffRow]):
    kind = "staff"
    columns = (
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
    )
    key_columns = ("staff_id",)

    def parse_row(self, row: Row) -> StaffRow | None:
        staff_id = row.identifier("staff_id")
        given_name = row.text("given_name", max_length=100)
        family_name = row.text("family_name", max_length=100)
        email = row.text("email", max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.error("email", "is not a valid email address")
        directorate = row.text("directorate", max_length=120)
        team = row.text("team", max_length=120)
        roles = row.list("role", choices=Role.values, required=True)
        if roles_conflict(roles):
            row.error("role", roles_conflict(roles))
        employment_type = row.enum("employment_type", EmploymentType.values)
        works = row.yes_no("works_with_vulnerable_people")
        work_pattern = row.enum("work_pattern", WorkPattern.values)
        start_date = row.date("start_date")
        end_date = row.date("end_date", required=False)
        if start_date and end_date and end_date < start_date:
            row.error(
                "end_date",
                f"the end date {end_date.isoformat()} is before the start date "
                f"{start_date.isoformat()}",
            )
        if not row.ok:
            return None
        assert employment_type and works is not None and work_pattern and start_date  # nosec B101 # row.ok
        return StaffRow(
            staff_id=staff_id,
            given_name=given_name,
            family_name=family_name,
            email=email,
            directorate=directorate,
            team=team,
            roles=frozenset(roles),
            employment_type=employment_type,
            works_with_vulnerable_people=works,
            work_pattern=work_pattern,
            start_date=start_date,
            end_date=end_date,
        )

    def validate(self, rows: list[Parsed[StaffRow]]) -> None:
        self._check_emails(rows)
        self._check_places(rows)
        self._check_not_own(rows)

    def _check_not_own(self, rows: list[Parsed[StaffRow]]) -> None:
        """Nobody changes their own roles, team or dates, by file any more than by page."""
        actor = self.origin.actor_staff_id
        for parsed in rows:
            if actor and parsed.item.staff_id == actor:
                self.error(
                    parsed.line,
                    "staff_id",
                    f"{actor} is the person running this import; someone else must import "
                    "changes to their own entry",
                )

    def _check_emails(self, rows: list[Parsed[StaffRow]]) -> None:
        seen: dict[str, int] = {}
        for parsed in rows:
            email = parsed.item.email.lower()
            if email in seen:
                self.error(parsed.line, "email", f"the same email address is on line {seen[email]}")
            else:
                seen[email] = parsed.line
        owners = {
            email.lower(): staff_id
            for email, staff_id in StaffMember.objects.values_list("email", "staff_id")
        }
        for parsed in rows:
            owner = owners.get(parsed.item.email.lower())
            if owner is not None and owner != parsed.item.staff_id:
                self.error(
                    parsed.line,
                    "email",
                    f"the email address already belongs to staff member {owner}",
                )

    def _check_places(self, rows: list[Parsed[StaffRow]]) -> None:
        directorates = set(Directorate.objects.values_list("name", flat=True))
        team_homes = dict(Team.objects.values_list("name", "directorate__name"))
        new_team_homes: dict[str, tuple[str, int]] = {}
        for parsed in rows:
            row = parsed.item
            if row.directorate not in directorates and not self.options.create_missing:
                self.error(
                    parsed.line,
                    "directorate",
                    f"there is no directorate called {row.directorate!r}; add it first, "
                    "or import with --create-missing",
                )
            home = team_homes.get(row.team)
            if home is not None:
                if home != row.directorate:
                    self.error(
                        parsed.line,
                        "team",
                        f"the team {row.team!r} is in the directorate {home!r}, "
                        f"not {row.directorate!r}",
                    )
            elif not self.options.create_missing:
                self.error(
                    parsed.line,
                    "team",
                    f"there is no team called {row.team!r}; add it first, "
                    "or import with --create-missing",
                )
            elif row.team in new_team_homes and new_team_homes[row.team][0] != row.directorate:
                first_home, first_line = new_team_homes[row.team]
                self.error(
                    parsed.line,
                    "team",
                    f"the new team {row.team!r} is in the directorate {first_home!r} on "
                    f"line {first_line}, not {row.directorate!r}",
                )
            else:
                new_team_homes.setdefault(row.team, (row.directorate, parsed.line))

    def apply(self, rows: list[Parsed[StaffRow]], progress: Progress) -> ImportCounts:
        items = [parsed.item for parsed in rows]
        teams = self._ensure_places(items)
        existing = {
            staff.staff_id: staff
            for staff in StaffMember.objects.filter(
                staff_id__in=[item.staff_id for item in items]
            ).prefetch_related("roles")
        }
        counts = ImportCounts()
        to_create: list[StaffMember] = []
        to_update: list[StaffMember] = []
        roles_to_add: list[tuple[str, str]] = []
        roles_to_remove: list[tuple[int, str]] = []
        newly_left: list[int] = []
        moved: list[tuple[int, int]] = []
        waiting: list[tuple[str, Waiting]] = []
        today = self.options.today
        for item in items:
            team = teams[item.team]
            staff = existing.get(item.staff_id)
            wanted = Standing(item.roles, team.pk, item.start_date, item.end_date)
            if staff is None:
                now, held = hold_back_privileges(None, wanted, today)
                staff = StaffMember(staff_id=item.staff_id, team=team, directorate=team.directorate)
                _copy(item, staff, now)
                to_create.append(staff)
                roles_to_add.extend((item.staff_id, role) for role in sorted(now.roles))
                waiting.extend([(item.staff_id, held)] if held else [])
                counts.created += 1
                continue
            was_leaver = staff.is_leaver(today)
            before = _snapshot(staff)
            current_roles = frozenset(role.role for role in staff.roles.all())
            current = Standing(current_roles, staff.team_id, staff.start_date, staff.end_date)
            now, held = hold_back_privileges(current, wanted, today)
            waiting.extend([(item.staff_id, held)] if held else [])
            if now.team_id == team.pk:
                if staff.team_id != team.pk:
                    moved.append((staff.pk, staff.team_id))
                staff.team, staff.directorate = team, team.directorate
            _copy(item, staff, now)
            role_changed = current_roles != now.roles
            roles_to_add.extend((item.staff_id, role) for role in sorted(now.roles - current_roles))
            roles_to_remove.extend((staff.pk, role) for role in current_roles - now.roles)
            if _snapshot(staff) != before or role_changed:
                staff.updated_at = timezone.now()
                to_update.append(staff)
                counts.updated += 1
                if (
                    not was_leaver
                    and staff.end_date is not None
                    and (staff.end_date <= self.options.today)
                ):
                    newly_left.append(staff.pk)
            else:
                counts.unchanged += 1
            progress(1)
        StaffMember.objects.bulk_create(to_create, batch_size=500)
        progress(len(to_create))
        if to_update:
            StaffMember.objects.bulk_update(
                to_update, [*STAFF_FIELDS, "team", "directorate", "updated_at"], batch_size=500
            )
        for staff_pk, role in roles_to_remove:
            StaffRole.objects.filter(staff_id=staff_pk, role=role).delete()
        pks = dict(
            StaffMember.objects.filter(
                staff_id__in={staff_id for staff_id, _ in roles_to_add}
            ).values_list("staff_id", "pk")
        )
        StaffRole.objects.bulk_create(
            [StaffRole(staff_id=pks[staff_id], role=role) for staff_id, role in roles_to_add],
            batch_size=1000,
        )
        signals.staff_moved.send(sender=StaffMember, moves=moved)
        moment = timezone.now()
        for leaver in StaffMember.objects.filter(pk__in=newly_left).order_by("pk"):
            leaver_process(origin=self.origin, staff=leaver, now=moment)
        by_id = StaffMember.objects.in_bulk([s for s, _ in waiting], field_name="staff_id")
        batch = uuid.uuid4().hex  # this import's changes can be decided together
        for staff_id, held in waiting:
            staff_change_open(by_id[staff_id], held, self.origin, batch=batch)
        return counts

    def _ensure_places(self, items: list[StaffRow]) -> dict[str, Team]:
        """The teams the rows name, creating missing ones (validated: --create-missing)."""
        directorates = {d.name: d for d in Directorate.objects.all()}
        for name in sorted({item.directorate for item in items} - set(directorates)):
            directorates[name] = Directorate.objects.create(name=name)
        teams = {t.name: t for t in Team.objects.select_related("directorate")}
        for item in items:
            if item.team not in teams:
                teams[item.team] = Team.objects.create(
                    name=item.team, directorate=directorates[item.directorate]
                )
        return teams


def _copy(item: StaffRow, staff: StaffMember, now: Standing) -> None:
    """The row's fields, with the dates that take effect now (a return waits for approval)."""
    for name in STAFF_FIELDS:
        setattr(staff, name, getattr(item, name))
    staff.start_date, staff.end_date = now.start_date, now.end_date


def _snapshot(staff: StaffMember) -> tuple[object, ...]:
    return (*(getattr(staff, name) for name in STAFF_FIELDS), staff.team_id, staff.directorate_id)


@dataclass(frozen=True, slots=True)
class RiskAssessmentRow:
    staff_id: str
    outcome: str
    scope_team: str
    max_classification: str
    assessed_on: dt.date
    review_due: dt.date


class RiskAssessmentImporter(Importer[RiskAssessmentRow]):
    """Volunteers' risk assessments; keyed by the whole row (a new row is a new assessment)."""

    kind = "risk-assessments"
    columns = (
        "staff_id",
        "outcome",
        "scope_team",
        "max_classification",
        "assessed_on",
        "review_due",
    )
    key_columns = None

    def parse_row(self, row: Row) -> RiskAssessmentRow | None:
        staff_id = row.identifier("staff_id")
        outcome = row.enum("outcome", RiskAssessment.Outcome.values)
        scope_team = row.text("scope_team")
        max_classification = row.enum("max_classification", Classification.values)
        assessed_on = row.date("assessed_on")
        review_due = row.date("review_due")
        if assessed_on and review_due and review_due < assessed_on:
            row.error(
                "review_due",
                f"the review date {review_due.isoformat()} is before the assessment date "
                f"{assessed_on.isoformat()}",
            )
        if not row.ok:
            return None
        assert outcome and max_classification and assessed_on and review_due  # nosec B101 # row.ok
        return RiskAssessmentRow(
            staff_id, outcome, scope_team, max_classification, assessed_on, review_due
        )

    def validate(self, rows: list[Parsed[RiskAssessmentRow]]) -> None:
        staff_ids = set(StaffMember.objects.values_list("staff_id", flat=True))
        teams = set(Team.objects.values_list("name", flat=True))
        for parsed in rows:
            if parsed.item.staff_id not in staff_ids:
                self.error(
                    parsed.line,
                    "staff_id",
                    f"there is no staff member {parsed.item.staff_id!r}; import staff first",
                )
            if parsed.item.scope_team not in teams:
                self.error(
                    parsed.line, "scope_team", f"there is no team called {parsed.item.scope_team!r}"
                )

    def apply(self, rows: list[Parsed[RiskAssessmentRow]], progress: Progress) -> ImportCounts:
        counts = ImportCounts()
        staff = dict(StaffMember.objects.values_list("staff_id", "pk"))
        teams = dict(Team.objects.values_list("name", "pk"))
        for parsed in rows:
            item = parsed.item
            _, created = RiskAssessment.objects.get_or_create(
                staff_id=staff[item.staff_id],
                outcome=item.outcome,
                scope_team_id=teams[item.scope_team],
                max_classification=item.max_classification,
                assessed_on=item.assessed_on,
                review_due=item.review_due,
            )
            if created:
                counts.created += 1
            else:
                counts.unchanged += 1
            progress(1)
        return counts
