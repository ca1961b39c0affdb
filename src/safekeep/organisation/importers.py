"""`safekeep import staff FILE.csv` and `safekeep import risk-assessments FILE.csv`.

The formats are fixed by DESIGN.md ("Data exchange formats"); docs/data-formats.md has
examples. The staff file is the HR truth: a row's roles replace the person's roles.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Count, Max
from django.utils import timezone

from safekeep.audit.writing import Origin
from safekeep.core import bulk
from safekeep.core.csv_import import ImportCounts, Importer, Parsed, Progress, Row
from safekeep.organisation import signals
from safekeep.organisation.models import (
    Classification,
    Directorate,
    EmploymentType,
    Leaving,
    RiskAssessment,
    Role,
    StaffChange,
    StaffMember,
    StaffRole,
    Team,
    WorkPattern,
)
from safekeep.organisation.roles import Standing, Waiting, hold_back_privileges, roles_conflict
from safekeep.organisation.services import (
    change_key_fields,
    leaver_process,
    requested_by,
    waiting_change,
)

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

    def fingerprint(self) -> object:
        return (
            _state(StaffMember, "updated_at"),
            _state(StaffRole),
            _state(StaffChange, "decided_at"),
            StaffChange.objects.filter(status=StaffChange.Status.WAITING).count(),
            _state(Team),
            _state(Directorate),
            _state(Leaving, "processed_at"),
        )

    def plan(self, rows: list[Parsed[StaffRow]], progress: Progress) -> StaffPlan:
        """Every write, worked out from the database as it is (read only): who is new, who
        changed, which roles come and go, what waits for a second person."""
        items = [parsed.item for parsed in rows]
        places = _Places(items)
        existing: dict[str, StaffMember] = {}
        ids = [item.staff_id for item in items]
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = StaffMember.objects.filter(staff_id__in=ids[start : start + LOOKUP_CHUNK])
            existing.update((s.staff_id, s) for s in chunk.prefetch_related("roles"))
        plan = StaffPlan(origin=self.origin, places=places)
        asker = requested_by(self.origin)
        batch = uuid.uuid4().hex  # this import's changes can be decided together
        waiting_already = {
            tuple(key.values())
            for key in StaffChange.objects.filter(status=StaffChange.Status.WAITING).values(
                "staff_id", "roles", "team_id", "reinstate", "end_date"
            )
        }
        to_create: list[StaffMember] = []
        to_update: list[StaffMember] = []
        roles: list[StaffRole] = []
        changes: list[StaffChange] = []
        today = self.options.today
        for item in items:
            team = places.team_ref(item.team)
            staff = existing.get(item.staff_id)
            wanted = Standing(item.roles, team, item.start_date, item.end_date)
            if staff is None:
                now, held = hold_back_privileges(None, wanted, today)
                staff = StaffMember(staff_id=item.staff_id)
                places.put(staff, item.team)
                _copy(item, staff, now)
                to_create.append(staff)
                roles.extend(StaffRole(staff_id=item.staff_id, role=r) for r in sorted(now.roles))
                if held:
                    changes.append(places.change(item.staff_id, held, self.origin, asker, batch))
                plan.counts.created += 1
                progress(1)
                continue
            was_leaver = staff.is_leaver(today)
            before = _snapshot(staff)
            current_roles = frozenset(role.role for role in staff.roles.all())
            current = Standing(current_roles, staff.team_id, staff.start_date, staff.end_date)
            now, held = hold_back_privileges(current, wanted, today)
            if held:
                change = places.change(staff.pk, held, self.origin, asker, batch)
                if tuple(change_key_fields(change).values()) not in waiting_already:
                    changes.append(change)  # else asked already (the same file again)
                change.staff_id = item.staff_id  # the bulk insert finds staff by staff_id
            if now.team_id == team:
                if staff.team_id != team:
                    plan.moved.append((staff.pk, staff.team_id))
                places.put(staff, item.team)
            _copy(item, staff, now)
            role_changed = current_roles != now.roles
            roles.extend(
                StaffRole(staff_id=item.staff_id, role=r) for r in sorted(now.roles - current_roles)
            )
            for role in current_roles - now.roles:
                plan.roles_removed.setdefault(role, []).append(staff.pk)
            if _snapshot(staff) != before or role_changed:
                staff.updated_at = timezone.now()
                to_update.append(staff)
                plan.counts.updated += 1
                if not was_leaver and staff.end_date is not None and staff.end_date <= today:
                    plan.newly_left.append(staff.pk)
            else:
                plan.counts.unchanged += 1
            progress(1)
        by_staff_id = {"staff": (StaffMember, "staff_id")}
        plan.staff_new = bulk.insert(StaffMember, to_create)
        plan.staff_changed = bulk.update(
            StaffMember, to_update, [*STAFF_FIELDS, "team", "directorate", "updated_at"]
        )
        plan.roles_added = bulk.insert(StaffRole, roles, lookups=by_staff_id)
        plan.changes = bulk.insert(StaffChange, changes, lookups=by_staff_id)
        return plan


# staff_ids per query when looking people up (well under any database's parameter limit).
LOOKUP_CHUNK = 10_000


def _state(model: type[models.Model], changed: str = "") -> tuple[object, ...]:
    """A table's count, newest id and (if it has one) latest change time: a fingerprint."""
    figures = {"count": Count("pk"), "newest": Max("pk")}
    if changed:
        figures["changed"] = Max(changed)
    return tuple(model.objects.aggregate(**figures).values())  # type: ignore[attr-defined]


class _Places:
    """The teams and directorates a staff file names: existing ones by id, new ones (from
    --create-missing, validated) as `Pending` until the write creates them."""

    def __init__(self, items: list[StaffRow]) -> None:
        self.directorates: dict[str, int | bulk.Pending] = dict(
            Directorate.objects.values_list("name", "pk")
        )
        self.teams: dict[str, tuple[int | bulk.Pending, int | bulk.Pending]] = {
            name: (pk, directorate)
            for name, pk, directorate in Team.objects.values_list("name", "pk", "directorate")
        }
        self.new_directorates: list[str] = []
        self.new_teams: list[tuple[str, str]] = []
        for item in items:
            if item.directorate not in self.directorates:
                pending = bulk.Pending(f"directorate {item.directorate}")
                self.directorates[item.directorate] = pending
                self.new_directorates.append(item.directorate)
            if item.team not in self.teams:
                self.teams[item.team] = (
                    bulk.Pending(f"team {item.team}"),
                    self.directorates[item.directorate],
                )
                self.new_teams.append((item.team, item.directorate))
        # A new team stands in comparisons (Standing.team_id) as a negative number.
        self._refs = {name: -n for n, (name, _) in enumerate(self.new_teams, start=1)}
        self._pending_by_ref = {-n: self.teams[name][0] for name, n in self._refs.items()}

    def team_ref(self, name: str) -> int:
        team = self.teams[name][0]
        return team if isinstance(team, int) else self._refs[name]

    def put(self, staff: StaffMember, team: str) -> None:
        staff.team_id, staff.directorate_id = self.teams[team]  # type: ignore[assignment]

    def change(
        self, staff: int | str, held: Waiting, origin: Origin, asker: StaffMember | None, batch: str
    ) -> StaffChange:
        change = waiting_change(staff, held, origin, asker, batch=batch)
        if change.team_id is not None and change.team_id < 0:
            change.team_id = self._pending_by_ref[change.team_id]  # type: ignore[assignment]
        return change

    def create(self) -> dict[bulk.Pending, int]:
        """Create the new directorates and teams (under the lock); their ids by Pending."""
        ids: dict[bulk.Pending, int] = {}
        for name in self.new_directorates:
            ids[bulk.Pending(f"directorate {name}")] = Directorate.objects.create(name=name).pk
        for name, directorate in self.new_teams:
            home = self.directorates[directorate]
            team = Team.objects.create(
                name=name, directorate_id=ids[home] if isinstance(home, bulk.Pending) else home
            )
            ids[bulk.Pending(f"team {name}")] = team.pk
        return ids


@dataclass
class StaffPlan:
    """A staff file's writes (StaffImporter.plan), for the import's one transaction."""

    origin: Origin
    places: _Places
    counts: ImportCounts = field(default_factory=ImportCounts)
    staff_new: bulk.Statement = field(default_factory=lambda: bulk.Statement("", []))
    staff_changed: bulk.Statement = field(default_factory=lambda: bulk.Statement("", []))
    roles_added: bulk.Statement = field(default_factory=lambda: bulk.Statement("", []))
    changes: bulk.Statement = field(default_factory=lambda: bulk.Statement("", []))
    roles_removed: dict[str, list[int]] = field(default_factory=dict)
    moved: list[tuple[int, int]] = field(default_factory=list)
    newly_left: list[int] = field(default_factory=list)

    def write(self, progress: Progress) -> None:
        ids = self.places.create()
        for statement in (self.staff_new, self.staff_changed, self.changes):
            statement.resolve(ids)
        self.staff_new.run(progress)
        self.staff_changed.run(progress)
        for role, pks in sorted(self.roles_removed.items()):
            for start in range(0, len(pks), LOOKUP_CHUNK):
                chunk = pks[start : start + LOOKUP_CHUNK]
                StaffRole.objects.filter(role=role, staff_id__in=chunk).delete()
        self.roles_added.run()
        signals.staff_moved.send(sender=StaffMember, moves=self.moved)
        moment = timezone.now()
        for leaver in StaffMember.objects.filter(pk__in=self.newly_left).order_by("pk"):
            leaver_process(origin=self.origin, staff=leaver, now=moment)
        self.changes.run()


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
