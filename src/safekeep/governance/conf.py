"""The anomaly rules' thresholds: Django settings first, then the environment, then defaults.

Each anomaly rule has a threshold an IG officer may want to tune (docs/audit.md lists them).
"""

from __future__ import annotations

from django.conf import settings

from safekeep.config import env_int

DEFAULTS: dict[str, int] = {
    # More than this many distinct cases outside one's caseload opened in one day.
    "SAFEKEEP_ALERT_OUTSIDE_CASELOAD_PER_DAY": 10,
    # Break-glass used more than this many times by one person in seven days.
    "SAFEKEEP_ALERT_BREAK_GLASS_PER_WEEK": 2,
    # Case access by someone whose end date is within this many days.
    "SAFEKEEP_ALERT_LEAVER_DAYS": 14,
    # At least this many failed sign-ins within the window...
    "SAFEKEEP_ALERT_SIGN_IN_FAILURES": 20,
    # ...of this many minutes.
    "SAFEKEEP_ALERT_SIGN_IN_WINDOW_MINUTES": 60,
    # How many days back the dashboard looks for the per-day and per-access rules.
    "SAFEKEEP_ALERT_LOOKBACK_DAYS": 7,
}


def setting(name: str) -> int:
    value = getattr(settings, name, None)
    if value is not None:
        return int(value)
    return env_int(name, DEFAULTS[name])
