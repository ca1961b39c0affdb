"""Test helpers that open sealed record content the way the selectors do."""

from __future__ import annotations

from typing import Any

from safekeep.records import sealing, selectors
from safekeep.records.models import Case, EntryVersion


def family_name(case: Case) -> str:
    return selectors.subject_person(case.subject).family_name


def text(version: EntryVersion) -> tuple[str, str]:
    """(title, body) of a stored version."""
    title, body, _ = sealing.open_version(version, case_pk=version.entry.case_id)
    return title, body


def body_bytes(response: Any) -> bytes:
    """A response's bytes, streamed or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)
