"""Retention schedules: when a case record of each type is due for disposal, and why.

The rules ship as a data file (`schedules.toml`), each with its citation, so IG can read
and a council can change them without touching code. The computation is pure: a case's
type and dates in, a date out (the first day the record may be disposed of).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SCHEDULES_FILE = Path(__file__).with_name("schedules.toml")
FROM = ("birth", "opened", "closed", "key_date")


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of record: counted `years` from `counts_from` (and until age `or_age`)."""

    case_type: str
    counts_from: str
    years: int
    citation: str
    or_age: int | None = None
    longer_years: int | None = None
    longer_citation: str = ""


@dataclass(frozen=True, slots=True)
class CaseDates:
    """What a schedule needs to know about a case."""

    case_type: str
    born: dt.date | None
    opened_on: dt.date
    closed_on: dt.date | None
    key_date: dt.date | None


@dataclass(frozen=True, slots=True)
class Retention:
    """A case's retention: the day it is due (None: not yet knowable) and the rule's words."""

    due_on: dt.date | None
    rule: Rule
    citation: str
    why_not: str = ""


def anniversary(day: dt.date, years: int) -> dt.date:
    """The `years`th anniversary of `day`. A 29 February falls on 1 March in a common year:
    in England a person born on 29 February attains an age on 1 March, and keeping a record
    one day longer is the safe side."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return dt.date(day.year + years, 3, 1)


def parse_rules(text: str) -> dict[str, Rule]:
    """The rules of a schedules file; raises ValueError naming the rule at fault."""
    rules: dict[str, Rule] = {}
    for case_type, raw in tomllib.loads(text).get("rules", {}).items():
        counts_from = raw.get("from")
        years = raw.get("years")
        if counts_from not in FROM:
            raise ValueError(f"rule {case_type}: 'from' must be one of {', '.join(FROM)}")
        if not isinstance(years, int) or years < 0:
            raise ValueError(f"rule {case_type}: 'years' must be a whole number of years")
        if not raw.get("citation"):
            raise ValueError(f"rule {case_type}: every rule needs a citation")
        rules[case_type] = Rule(
            case_type=case_type,
            counts_from=counts_from,
            years=years,
            citation=raw["citation"],
            or_age=raw.get("or_age"),
            longer_years=raw.get("longer_years"),
            longer_citation=raw.get("longer_citation", ""),
        )
    if "other" not in rules:
        raise ValueError("the schedules need an 'other' rule for every other case type")
    return rules


@cache
def shipped_rules() -> dict[str, Rule]:
    return parse_rules(SCHEDULES_FILE.read_text())


def retention_of(
    case: CaseDates, rules: dict[str, Rule], *, care_experienced_longer: bool = False
) -> Retention:
    """When `case` is due for disposal under `rules`. An open case is never due."""
    rule = rules.get(case.case_type) or rules["other"]
    years, citation = rule.years, rule.citation
    if care_experienced_longer and rule.longer_years is not None:
        years, citation = rule.longer_years, rule.longer_citation
    if case.closed_on is None:
        return Retention(None, rule, citation, "the case is open")
    start = {
        "birth": case.born,
        "opened": case.opened_on,
        "closed": case.closed_on,
        "key_date": case.key_date,
    }[rule.counts_from]
    if start is None:
        missing = {"birth": "date of birth", "key_date": "key date"}[rule.counts_from]
        return Retention(None, rule, citation, f"the {missing} is not recorded")
    due = anniversary(start, years)
    if rule.or_age is not None:
        if case.born is None:
            return Retention(None, rule, citation, "the date of birth is not recorded")
        due = max(due, anniversary(case.born, rule.or_age))
    return Retention(max(due, case.closed_on), rule, citation)
