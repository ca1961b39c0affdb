"""The FOI report (DESIGN.md, "foi-report"): the answers from live data (`answers`), the
questionnaire quoted from the council's response (`questions`), the answers in words
(`letter`), the report as a file (`documents`) and producing it, audited (`services`)."""

from safekeep.governance.foi.answers import (
    FoiReport,
    foi_employees,
    foi_population,
    foi_q1c,
    foi_q1d,
    foi_q1f,
    foi_report,
    foi_window,
)

__all__ = [
    "FoiReport",
    "foi_employees",
    "foi_population",
    "foi_q1c",
    "foi_q1d",
    "foi_q1f",
    "foi_report",
    "foi_window",
]
