"""`safekeep demo-code EMAIL`: the current two-factor code of a demo-council account.

Only for trying Safekeep out: it refuses every account not created by `safekeep demo`.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP

from safekeep.accounts.selectors import account_for_email, confirmed_devices
from safekeep.audit.writing import Origin, audit_event
from safekeep.operations.demo.devices import demo_laptop_enrolment_code


class Command(BaseCommand):
    help = "Print the current sign-in code for a demo-council account (demo accounts only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the demo account's email address")
        parser.add_argument(
            "--enrol",
            action="store_true",
            help="print a one-time code that enrols this browser as the person's council laptop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email: str = options["email"]
        user = account_for_email(email)
        devices = confirmed_devices(user) if user is not None and user.is_demo_account else []
        if user is None or not user.is_demo_account or not devices:
            raise CommandError(
                f"{email} is not a demo account. demo-code only prints codes for the accounts "
                "that `safekeep demo` created."
            )
        if options["enrol"]:
            self.stdout.write(demo_laptop_enrolment_code(email))
            return
        device = devices[0]
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        audit_event(
            origin=Origin.command("demo-code"),
            action="auth.demo_code",
            decision="done",
            object_type="account",
            object_id=str(user.pk),
        )
        self.stdout.write(str(totp.token()).zfill(device.digits))
