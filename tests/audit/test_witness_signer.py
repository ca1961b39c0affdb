"""The checkpoint signer can live outside the host: a signing program with its own key."""

from __future__ import annotations

import base64
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from safekeep.audit import note
from safekeep.audit.checkpoints import checkpoint_create, checkpoint_note
from safekeep.audit.models import Checkpoint
from safekeep.audit.writing import Origin
from safekeep.crypto import signing
from tests.audit.conftest import Capture, sign, verify_command, write_entries

pytestmark = pytest.mark.django_db

SIGNER = Path(__file__).parent / "external_signer.py"


@pytest.fixture
def signer_home(tmp_path_factory: pytest.TempPathFactory, settings: Any) -> Iterator[Path]:
    """The signer's own directory, outside the data directory; Safekeep only runs it."""
    home = tmp_path_factory.mktemp("signing-host")
    settings.SAFEKEEP_SIGNING_PROVIDER = "command"
    settings.SAFEKEEP_SIGNING_COMMAND = shlex.join([sys.executable, str(SIGNER), str(home)])
    yield home
    signing.reset_signers()


def signer_public_key(home: Path) -> bytes:
    printed = subprocess.run(  # noqa: S603 -- our own test signer
        [sys.executable, str(SIGNER), str(home), "public-key"], capture_output=True, check=True
    ).stdout
    return base64.b64decode(printed)


def test_checkpoints_are_signed_by_the_external_signer_and_verify(
    django_capture_on_commit_callbacks: Capture, signer_home: Path, tmp_path: Path
) -> None:
    write_entries(5)
    checkpoint = sign(django_capture_on_commit_callbacks)
    assert not (tmp_path / "keys" / signing.KEY_FILE_NAME).exists()  # no key on this host
    public = signer_public_key(signer_home)
    witnessed = (tmp_path / "witness" / f"{checkpoint.pk:010d}.checkpoint").read_text()
    assert witnessed == checkpoint_note(checkpoint)
    read = note.read_checkpoint(
        witnessed,
        name="safekeep.invalid/audit",
        public_key=public,
        verify=lambda message, signature: signing.verify(
            message,
            signature=base64.b64encode(signature).decode(),
            public_key_b64=base64.b64encode(public).decode(),
        ),
    )
    assert read.tree_size == 5
    assert verify_command()[0] == ""


def test_a_signer_that_fails_stops_the_checkpoint_and_says_why(
    signer_home: Path, settings: Any
) -> None:
    settings.SAFEKEEP_SIGNING_COMMAND += " --corrupt"
    write_entries(2)
    with pytest.raises(signing.SigningError) as caught:
        checkpoint_create(origin=Origin.command("test"))
    assert str(caught.value) == (
        f"the signing command {settings.SAFEKEEP_SIGNING_COMMAND} made a signature that does "
        "not verify"
    )
    assert not Checkpoint.objects.exists()


def test_a_signer_that_cannot_run_is_named(settings: Any) -> None:
    settings.SAFEKEEP_SIGNING_PROVIDER = "command"
    settings.SAFEKEEP_SIGNING_COMMAND = f"{sys.executable} -c 'import sys; sys.exit(\"KMS down\")'"
    try:
        with pytest.raises(signing.SigningError) as caught:
            checkpoint_create(origin=Origin.command("test"))
    finally:
        signing.reset_signers()
    assert str(caught.value) == (
        f"the signing command {settings.SAFEKEEP_SIGNING_COMMAND} public-key failed (exit 1): "
        "KMS down"
    )


def test_a_provider_that_is_not_a_signer_is_refused(settings: Any) -> None:
    settings.SAFEKEEP_SIGNING_PROVIDER = "pathlib.Path"
    try:
        with pytest.raises(
            signing.SigningError, match=r"^pathlib.Path does not implement the Signer methods$"
        ):
            signing.get_signer()
    finally:
        signing.reset_signers()
