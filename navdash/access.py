"""Who the user is and what they may change. Roles: ansatt, leder, fylkesleder, analytiker.

Until login lands, the app runs in demo mode with a persona per role at a real demo unit. The rules here are the
single place that decides what a user may edit; pages ask, they do not decide.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("ansatt", "leder", "fylkesleder", "analytiker")
ROLE_TEXT = {"ansatt": "Ansatt", "leder": "NAV-leder", "fylkesleder": "Fylkesledelse", "analytiker": "Analytiker"}


@dataclass(frozen=True)
class User:
    name: str
    role: str
    unit_id: str
    demo: bool = True

    @property
    def label(self) -> str:
        return f"{self.name} ({ROLE_TEXT.get(self.role, self.role)})"


DEMO_PERSONAS: dict[str, User] = {
    "ansatt": User("Demo-ansatt", "ansatt", "0312"),
    "leder": User("Demo-leder", "leder", "0312"),
    "fylkesleder": User("Demo-fylkesleder", "fylkesleder", "0300"),
    "analytiker": User("Demo-analytiker", "analytiker", "0000"),
}
DEFAULT_PERSONA = "leder"


def can_edit_priorities(user: User, unit_id: str) -> bool:
    """Only the leader of an office edits that office's local priorities."""
    return user.role == "leder" and user.unit_id == unit_id
