"""How a door code is sealed at rest: under the door's own data key (`door:<pk>`), field
`code`, so a sealed code copied to another door does not open."""

from __future__ import annotations

from safekeep.crypto.envelope import KeyRef, open_bytes_text, seal_bytes_text

FIELD = "code"


def seal_code(*, door_pk: int, code: str) -> str:
    return seal_bytes_text(KeyRef.of("door", door_pk), field=FIELD, plaintext=code.encode())


def open_code(*, door_pk: int, text: str) -> str:
    return open_bytes_text(KeyRef.of("door", door_pk), field=FIELD, text=text).decode()
