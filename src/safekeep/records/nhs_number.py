"""NHS numbers: ten digits whose last is a modulus 11 check digit (NHS Data Dictionary).

Pure Python, so the forms, the services and the search box share one rule.
"""

from __future__ import annotations

LENGTH = 10


def normalise(text: str) -> str:
    """The digits as typed, without spaces or hyphens ("943 476 5919" -> "9434765919")."""
    return "".join(text.replace("-", " ").split())


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when the remainder gives 10 (never issued)."""
    weights = range(10, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, weights, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def problem(text: str) -> str | None:
    """What is wrong with a typed NHS number, in words; None when it is a valid one."""
    digits = normalise(text)
    if not digits.isdigit() or not digits.isascii():
        return "Enter an NHS number using numbers only, like 943 476 5919"
    if len(digits) != LENGTH:
        return f"The NHS number must be {LENGTH} digits; it has {len(digits)}"
    if check_digit(digits[:9]) != int(digits[9]):
        return "This is not a valid NHS number: check the digits and try again"
    return None


def is_valid(text: str) -> bool:
    return problem(text) is None


def formatted(digits: str) -> str:
    """Shown as the NHS shows it: 3, 3 and 4 digits ("943 476 5919")."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == LENGTH else digits
