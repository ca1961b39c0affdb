"""The questionnaire, quoted in full from the council's response (shared/seeds/
000_0c0a6f304e5cf73e.txt): each question, the choices it lists, and the note that says whom
the later questions are about. The letter quotes these word for word before each answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

DASH: Final = "\u2013"  # the en dash of the council's letter


@dataclass(frozen=True, slots=True)
class Question:
    number: str  # "1a"
    text: str
    choices: tuple[str, ...] = ()


ABOUT_THESE_EMPLOYEES: Final = (
    "All the below questions relate to those employees who work with children or vulnerable "
    "people, and are also considered 'remote workers' or 'flexible workers' as identified in "
    "questions a. and b. above"
)

DEVICE_CHOICES: Final = {
    "basic_phone": "Basic mobile phone",
    "smartphone": "Smartphone",
    "tablet": "Tablet",
    "laptop": "Laptop computer",
    "desktop": "Desktop computer",
}

TASK_CHOICES: Final = {
    "access_central_records": (
        "Access centrally stored information on the individuals they are dealing with"
    ),
    "save_to_device": "Save information on their cases or specific individuals to the device",
    "save_to_central_storage": (
        "Save information on their cases or specific individuals to central storage that "
        "isn't on the council-provided device (e.g. through a VPN connection)"
    ),
    "email_colleagues": "Communicate with colleagues over email",
    "collaboration_tools": "Use collaboration tools (e.g. Microsoft Teams, Slack, WhatsApp)",
    "contact_clients": (
        "Communicate with the specific children or vulnerable people they are working with "
        "(e.g. over email or instant messaging)"
    ),
    "contact_external_partners": (
        "Communicate with people who work outside the organisation (e.g. contractors or other "
        "public services)"
    ),
    "personal_use": (
        f"Personal tasks {DASH} e.g. visiting non-work-related websites or accessing "
        "personal email accounts"
    ),
}

PERSONAL_DEVICE_CHOICES: Final = {
    "prevent_all": "Yes, we prevent all tasks",
    "prevent_some": "Yes, we prevent some tasks",
    "conditional": (
        f"No, but they have to take specific actions {DASH} e.g. installing security on their "
        "device, using specific vetted applications"
    ),
    "none": "No",
    "unknown": "Don't know",
}

QUESTIONS: Final = (
    Question(
        "1a",
        "How many of your employees work with children or vulnerable people (e.g. social "
        "workers, or those who work in fostering, education or child and adult care)?",
    ),
    Question(
        "1b",
        "How many of your employees who work with children or vulnerable people are 'remote "
        "workers' or 'flexible workers' (i.e. they perform some of their duties away from a "
        f"fixed/office location {DASH} for instance, performing home visits or working from home "
        "outside of regular office hours)?",
    ),
    Question(
        "1c",
        "Do you provide these employees with any of the below devices so that they can "
        "perform their jobs outside of the office (indicate all that are applicable)?",
        tuple(DEVICE_CHOICES.values()),
    ),
    Question(
        "1d",
        "Are they able to perform the following tasks on these council-provided devices?",
        tuple(TASK_CHOICES.values()),
    ),
    Question(
        "1e",
        "How many of these employees have complained to the organisation that they could not "
        "perform work they need to on their council-provided device (e.g. because of issues "
        "with the device, difficulty accessing information, or a lack of training) in the "
        "past 12 months?",
    ),
    Question(
        "1f",
        "Do you prevent these employees from using their own personal devices for "
        "work-related tasks due to concerns over data privacy?",
        tuple(PERSONAL_DEVICE_CHOICES.values()),
    ),
    Question(
        "1g",
        "Are you aware of any of these employees sharing their personal mobile phone number "
        "for work purposes when instructed not to? If possible, how many have done so?",
    ),
)
