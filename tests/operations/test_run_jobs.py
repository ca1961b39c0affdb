"""`safekeep run-jobs`: every registered job runs in its own transaction, a failing job rolls
back alone and does not stop the others, and each run is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.core import jobs
from safekeep.organisation.models import Directorate

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_test_jobs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(jobs, "_jobs", {})
    yield


def test_each_job_runs_once_in_its_own_transaction_and_a_failure_stops_no_other(
    only_test_jobs: None,
) -> None:
    seen: list[str] = []

    @jobs.register_job("a-fails", "writes then fails")
    def fails(now: dt.datetime, origin: Origin) -> str:
        Directorate.objects.create(name="Rolled back")
        raise RuntimeError("the printer server is down")

    @jobs.register_job("b-works", "says what it did")
    def works(now: dt.datetime, origin: Origin) -> str:
        seen.append(origin.actor_username)
        return "2 leavers signed out"

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 job\\(s\\) failed: a-fails"):
        call_command("run_jobs", stdout=out, stderr=err)
    assert not Directorate.objects.filter(name="Rolled back").exists()
    assert "b-works: 2 leavers signed out" in out.getvalue()
    assert "a-fails: FAILED — RuntimeError: the printer server is down" in err.getvalue()
    assert len(seen) == 1 and seen[0].startswith("command:run-jobs")
    runs = {
        entry.object_id: (entry.decision, entry.reasons)
        for entry in AuditEntry.objects.filter(action="jobs.run")
    }
    assert runs == {
        "a-fails": ("failed", ["RuntimeError: the printer server is down"]),
        "b-works": ("done", ["2 leavers signed out"]),
    }


def test_only_and_list_name_the_jobs(only_test_jobs: None) -> None:
    jobs.register_job("quiet", "does nothing")(lambda now, origin: "")
    out = StringIO()
    call_command("run_jobs", "--list", stdout=out)
    assert out.getvalue() == "quiet: does nothing\n"
    with pytest.raises(CommandError, match="--only nope: no such job \\(the jobs: quiet\\)"):
        call_command("run_jobs", "--only", "nope")
    out = StringIO()
    call_command("run_jobs", "--only", "quiet", stdout=out)
    assert out.getvalue().startswith("quiet: nothing due (")


def test_two_jobs_cannot_share_a_name(only_test_jobs: None) -> None:
    jobs.register_job("same", "first")(lambda now, origin: "")
    with pytest.raises(ValueError, match="two scheduled jobs are called 'same'"):
        jobs.register_job("same", "second")(lambda now, origin: "x")
