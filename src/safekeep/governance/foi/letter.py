"""The report in words, as the council's response letter reads: each question quoted, then
its answer ("Total = 591, 373 are in Family Services and 218 are in Adults and Health").

Every answer is said from the figures in `FoiReport`, so the letter, the page, the CSV and
the JSON never disagree; none of them says "information not held".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from safekeep.devices.vocabulary import DEVICE_TYPES, TASK_LABELS, TASKS
from safekeep.governance.foi.answers import FoiReport
from safekeep.governance.foi.questions import (
    DASH,
    DEVICE_CHOICES,
    PERSONAL_DEVICE_CHOICES,
    QUESTIONS,
    Question,
)

TITLE = "Freedom of Information: staff who work with children or vulnerable people, and devices"


@dataclass(frozen=True, slots=True)
class Answered:
    question: Question
    answer: str
    about_these_employees: bool  # the note before 1c: the questions from here on are about q1b


def day_words(day: dt.date) -> str:
    """23 November 2026."""
    return f"{day.day} {day:%B %Y}"


def and_list(items: Sequence[str], last: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def _many(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _q1a(report: FoiReport) -> str:
    if not report.total:
        return (
            "Total = 0: no employees who work with children or vulnerable people were in post "
            f"on {day_words(report.as_of)}."
        )
    largest_first = sorted(report.by_directorate.items(), key=lambda item: (-item[1], item[0]))
    parts = [f"{n} {'is' if n == 1 else 'are'} in {name}" for name, n in largest_first]
    return f"Total = {report.total}, {and_list(parts)}"


def _q1b(report: FoiReport) -> str:
    total, counted = report.total, report.remote_or_flexible
    if not total:
        return f"None: there were no such employees on {day_words(report.as_of)}."
    if counted == total:
        return (
            f"All {total} above are remote or flexible workers: as part of their role they work "
            "away from the office."
        )
    if not counted:
        return f"None of the {total} above: all of them are office based."
    return (
        f"{counted} of the {total} above are remote or flexible workers; the other "
        f"{total - counted} are office based."
    )


def _q1c(report: FoiReport) -> str:
    provided = [DEVICE_CHOICES[t] for t in DEVICE_TYPES if t in report.device_types]
    if not report.remote_or_flexible:
        return "There were no such employees, so none was provided with a device."
    if not provided:
        return (
            "No: none of these employees had a council-provided device assigned to them on "
            f"{day_words(report.as_of)}."
        )
    if len(provided) == len(DEVICE_TYPES):
        return "Yes, staff have access to all options above."
    missing = [DEVICE_CHOICES[t] for t in DEVICE_TYPES if t not in report.device_types]
    return (
        f"Yes, staff have access to these: {and_list(provided).lower()}. "
        f"Not provided: {and_list(missing).lower()}."
    )


def _q1d(report: FoiReport) -> str:
    if not report.device_types:
        return "No: these employees had no council-provided devices on which to perform them."
    refused = [TASK_LABELS[task] for task in TASKS if not report.tasks[task]]
    if not refused:
        return "Yes to all the above"
    if len(refused) == len(TASKS):
        return "No to all the above: the council's task policy prevents them on these devices."
    return (
        "Yes to all the above except these, which the council's task policy prevents on "
        f"every council device they have: {and_list(refused)}."
    )


def _q1e(report: FoiReport) -> str:
    first, last = report.window
    period = f"in the 12 months to {day_words(last)} (the 365 days from {day_words(first)})"
    if not report.complaints:
        return (
            "None: no complaints from these employees that they could not do their work on "
            f"their council-provided device were recorded {period}."
        )
    return (
        f"{_many(report.complaints, 'complaint was', 'complaints were')} recorded {period} "
        "from these employees that they could not do their work on their council-provided "
        "device."
    )


def _q1f(report: FoiReport) -> str:
    answer = str(report.personal_devices["answer"])
    prevented = [TASK_LABELS[t] for t in _tasks(report.personal_devices["prevented_tasks"])]
    conditional = [TASK_LABELS[t] for t in _tasks(report.personal_devices["conditional_tasks"])]
    chosen = PERSONAL_DEVICE_CHOICES[answer]
    on_conditions = (
        f"they may {and_list(conditional)} only on the conditions the council's task policy "
        "sets (such as a passcode on the device)"
    )
    if answer == "prevent_all":
        return f"{chosen} {DASH} the council's task policy prevents every task on personal devices."
    if answer == "prevent_some":
        words = f"{chosen} {DASH} on their own devices these employees may not"
        words += f" {and_list(prevented, 'or')}"
        return f"{words}; {on_conditions}." if conditional else f"{words}."
    if answer == "conditional":
        return f"No, but they have to take specific actions {DASH} {on_conditions}."
    return f"No {DASH} the council's task policy allows every task on personal devices."


def _tasks(value: object) -> list[str]:
    """The tasks named in `value`, in the questionnaire's order."""
    named = {str(task) for task in value} if isinstance(value, list) else set()
    return [task for task in TASKS if task in named]


def _q1g(report: FoiReport) -> str:
    recorded = report.incidents["incidents_recorded"]
    recent = report.incidents["last_12_months"]
    if not recorded:
        return (
            "No: there have been no incidents recorded of these employees sharing their personal "
            "mobile phone number for work purposes."
        )
    return (
        f"Yes: {_many(recorded, 'incident has', 'incidents have')} been recorded of these "
        "employees sharing their personal mobile phone number for work purposes when instructed "
        f"not to, {recent} of them in the 12 months to {day_words(report.as_of)}."
    )


ANSWERS = {"1a": _q1a, "1b": _q1b, "1c": _q1c, "1d": _q1d, "1e": _q1e, "1f": _q1f, "1g": _q1g}


def answered(report: FoiReport) -> list[Answered]:
    """Every question with its answer in words, in the questionnaire's order."""
    return [
        Answered(question, ANSWERS[question.number](report), question.number == "1c")
        for question in QUESTIONS
    ]
