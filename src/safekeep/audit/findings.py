"""What `verify` is given and what it finds: shared by verify.py and custody.py."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from safekeep.audit.note import DASH


@dataclass(frozen=True, slots=True)
class ExternalCheckpoint:
    """A checkpoint's signed text from outside the table: a file given by hand, a witness's copy.

    `number` is the checkpoint's number when the witness names it (its file name).
    """

    note: str
    label: str
    number: int | None = None

    @classmethod
    def from_text(cls, text: str, *, label: str) -> ExternalCheckpoint:
        """The C2SP text, or the JSON `safekeep audit checkpoint --json` prints.

        Line ends are made `\n` again: a note saved from an e-mail comes with CRLF.
        """
        text = text.replace("\r\n", "\n")
        if text.lstrip().startswith("{"):
            try:
                data = json.loads(text)
                text = str(data["note"])
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(
                    f"{label} is not a Safekeep audit checkpoint: no signed note in it ({exc})"
                ) from exc
        if f"\n\n{DASH} " not in text:
            raise ValueError(f"{label} is not a Safekeep audit checkpoint: no signature line")
        return cls(note=text, label=label)


@dataclass(slots=True)
class VerifyReport:
    entries: int = 0
    checkpoints: int = 0
    root_hash: str = ""
    problems: list[tuple[int, str]] = field(default_factory=list)  # (sequence or 0, message)
    custody: list[str] = field(default_factory=list)  # the log checks, its safekeeping does not
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.custody

    @property
    def first_bad_sequence(self) -> int | None:
        sequences = [seq for seq, _ in self.problems if seq > 0]
        return min(sequences) if sequences else None

    def add(self, sequence: int, message: str) -> None:
        self.problems.append((sequence, message))
