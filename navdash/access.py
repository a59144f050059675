"""Who the user is allowed to be, and what each role may see and change.

Roles:
* **ansatt** reads the open pages for their own unit, the units above it, and the other units under the same
  parent (NAV's fylker show every office's results to all offices, for learning, not ranking; 000:608);
* **leder** also edits their own office's priorities and uploads the office's own statistics (values for their own
  unit, for indicators marked as local);
* **fylkesleder** sees the fylke, every unit under it and the units above, and runs the fylke's meetings;
* **analytiker** sees everything and manages units, the indicator catalogue, central targets and all imports.

Figures about fewer than 5 identifiable people (navdash.disclosure) are shown in clear only to the unit's own leder,
the fylkesleder above it and the analytiker (`clearance`); the ansatt sees "færre enn 5".

Every permission rule is here: what a role sees, the pages it opens, what it may import, and who runs a fylke's
meetings, writes follow-up points and comments, answers them, edits priorities, registers experiences and approves
months. Anything
not granted here is denied. Pages and core modules ask these functions; they never compare role names themselves
(tests/test_structure.py fails on a role name compared anywhere else).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from navdash import units
from navdash.schemas import KINDS

Role = Literal["ansatt", "leder", "fylkesleder", "analytiker"]
ROLES: tuple[str, ...] = ("ansatt", "leder", "fylkesleder", "analytiker")
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

    @property
    def cache_key(self) -> str:
        """What this user may see is decided by role and unit alone; cached results are keyed on this."""
        return f"{self.role}:{self.unit_id}"


DEMO_PERSONAS: dict[str, User] = {
    "ansatt": User("Demo-ansatt", "ansatt", "0312"),
    "leder": User("Demo-leder", "leder", "0312"),
    "fylkesleder": User("Demo-fylkesleder", "fylkesleder", "0300"),
    "analytiker": User("Demo-analytiker", "analytiker", "0000"),
}
DEFAULT_PERSONA = "leder"

# ---------------------------------------------------------------------------------------------------------
# Seeing
# ---------------------------------------------------------------------------------------------------------


def sees_every_unit(user: User | None) -> bool:
    """The analytiker sees (and picks among) every unit, also one their own grant does not name."""
    return user is not None and user.role == "analytiker"


def visible_units(user: User, parents: Mapping[str, str | None]) -> frozenset[str]:
    """The units whose results the user may see. `parents` maps every unit to its parent (None at the root)."""
    if sees_every_unit(user):
        return frozenset(parents)
    if user.unit_id not in parents:
        return frozenset()
    above = units.ancestors(user.unit_id, parents)
    if user.role == "fylkesleder":
        return frozenset({user.unit_id, *above, *units.descendants(user.unit_id, parents)})
    if user.role in ("leder", "ansatt"):
        return frozenset({user.unit_id, *above, *units.siblings(user.unit_id, parents)})
    return frozenset()


@dataclass(frozen=True)
class Clearance:
    """Whose figures about fewer than 5 identifiable people the viewer may see in clear.

    The analytiker sees every unit's; the fylkesleder the fylke's and every unit's under it; an office's leder only
    the office's own. An ansatt sees none: a small office's sick days or "0 av 1" user outcomes are not theirs to
    see. `key` is what every cached, protected result is keyed on, so no result is ever served across clearances.
    """

    key: str
    everything: bool = False
    root: str | None = None  # the unit whose figures, and those of every unit under it, are cleared

    def units(self, parents: Mapping[str, str | None]) -> frozenset[str]:
        if self.everything:
            return frozenset(parents)
        if self.root is None or self.root not in parents:
            return frozenset()
        return frozenset({self.root, *units.descendants(self.root, parents)})


NO_CLEARANCE = Clearance("ingen")


def clearance(user: User | None) -> Clearance:
    """What the user may see of small numbers (default: nothing)."""
    if user is None:
        return NO_CLEARANCE
    if sees_every_unit(user):
        return Clearance("alle", everything=True)
    if user.role in ("fylkesleder", "leder"):
        return Clearance(f"enhet:{user.unit_id}", root=user.unit_id)
    return NO_CLEARANCE


def clearance_from_key(key: str) -> Clearance:
    """The clearance a cache key stands for (cached loaders receive the key, not the user)."""
    if key == "alle":
        return Clearance("alle", everything=True)
    if key.startswith("enhet:"):
        return Clearance(key, root=key.removeprefix("enhet:"))
    return NO_CLEARANCE


PAGES_BY_ROLE: dict[str, frozenset[str]] = {
    role: frozenset({"start", "malekort", "mal", "kvalitet", "sammenligning", "undersokelser", "erfaringer"})
    for role in ROLES
}
PAGES_BY_ROLE["leder"] |= {"last_opp", "styringsdialog"}
PAGES_BY_ROLE["fylkesleder"] |= {"styringsdialog"}
PAGES_BY_ROLE["analytiker"] |= {"last_opp", "styringsdialog"}
for _role in ("leder", "fylkesleder", "analytiker"):  # the tertial report goes from the office to the fylke
    PAGES_BY_ROLE[_role] |= {"tertialrapport"}


def can_open(user: User | None, page: str) -> bool:
    """May the user open the page (by its file stem, e.g. `last_opp`)? Unknown users open nothing."""
    return user is not None and page in PAGES_BY_ROLE.get(user.role, frozenset())


# ---------------------------------------------------------------------------------------------------------
# Changing
# ---------------------------------------------------------------------------------------------------------


def work_page(user: User | None) -> str:
    """The page where the user's own work is, which the start page leads to: a NAV-leder's målekort, the fylke's
    meeting, the data upload for an analytiker, the goals for everyone else."""
    if user is None:
        return "mal"
    page = {"leder": "malekort", "fylkesleder": "styringsdialog", "analytiker": "last_opp"}.get(user.role, "mal")
    return page if can_open(user, page) else "mal"


def landing_page(user: User | None) -> str:
    """The page that opening the app (its root address) lands on: the work page, except for the analytiker, whose
    daily work is the data status (what is loaded, how complete each month is), which the start page leads with."""
    if sees_every_unit(user):
        return "start"
    return work_page(user)


def can_edit_priorities(user: User, unit_id: str) -> bool:
    """Only the leader of an office edits that office's local priorities."""
    return user.role == "leder" and user.unit_id == unit_id


def can_answer_comment(user: User | None, unit_id: str) -> bool:
    """The office's own leader answers the fylke's comments on the office's numbers (as its follow-up points)."""
    return can_answer(user, unit_id)


def can_propose_priority(user: User | None, unit_id: str) -> bool:
    """The office's own people (employees and the leader) propose and comment on the office's local priorities."""
    return user is not None and user.role in ("ansatt", "leder") and user.unit_id == unit_id


def can_write_tertial_report(user: User | None, unit_id: str) -> bool:
    """Only the leader of an office writes and sends the office's tertial report."""
    return can_answer(user, unit_id)


def can_read_tertial_report(user: User | None, unit_id: str, parents: Mapping[str, str | None]) -> bool:
    """The office's own leader, the fylkesledelse above it and the analytiker read a tertial report. Every one of
    them is cleared for the office's small numbers (`clearance`), so the report's figures are shown in clear."""
    if user is None or unit_id not in parents:
        return False
    if sees_every_unit(user):
        return True
    if user.role == "fylkesleder":
        return units.is_under(unit_id, user.unit_id, parents)
    return can_write_tertial_report(user, unit_id)


def tertial_report_desk(user: User | None) -> tuple[str, str | None] | None:
    """Which tertial reports the user works with: ("kontor", office) for an office's leader, who writes its report;
    ("fylke", fylke) for the fylkesledelse, who reads and receives its offices'; ("alle", None) for whoever sees
    every unit and picks a fylke to read. None for everyone else."""
    if user is None:
        return None
    if sees_every_unit(user):
        return ("alle", None)
    if user.role == "fylkesleder":
        return ("fylke", user.unit_id)
    if can_write_tertial_report(user, user.unit_id):
        return ("kontor", user.unit_id)
    return None


def can_receive_tertial_report(user: User | None, unit_id: str, parents: Mapping[str, str | None]) -> bool:
    """The fylkesledelse marks its offices' sent reports as received, with follow-up points."""
    return (user is not None and user.role == "fylkesleder" and unit_id in parents
            and units.is_under(unit_id, user.unit_id, parents))


def can_run_meeting(user: User | None, fylke_id: str) -> bool:
    """The fylkesleder opens the fylke's monthly meetings."""
    return user is not None and user.role == "fylkesleder" and user.unit_id == fylke_id


def meeting_fylke(user: User, parents: Mapping[str, str | None]) -> str | None:
    """Whose meetings the user sees: the fylkesleder their fylke's, a leder or ansatt the fylke above their office.
    None for the analytiker, who picks a fylke."""
    if sees_every_unit(user):
        return None
    if user.role == "fylkesleder":
        return user.unit_id
    return parents.get(user.unit_id) or user.unit_id


def can_write_for(user: User | None, unit_id: str, parents: Mapping[str, str | None]) -> bool:
    """The fylkesleder writes follow-up points and comments for the fylke and every unit under it."""
    return user is not None and user.role == "fylkesleder" and units.is_under(unit_id, user.unit_id, parents)


def can_answer(user: User | None, unit_id: str) -> bool:
    """The office's own leder answers its follow-up points (status and note)."""
    return user is not None and user.role == "leder" and user.unit_id == unit_id


def can_register(user: User | None, unit_id: str, parents: Mapping[str, str | None]) -> bool:
    """Shared experiences: a leader for their own unit; the fylke's management for the fylke or its offices; an
    analyst for any unit. Employees read only."""
    if user is None or unit_id not in parents:
        return False
    if sees_every_unit(user):
        return True
    if user.role == "leder":
        return unit_id == user.unit_id
    if user.role == "fylkesleder":
        return units.is_under(unit_id, user.unit_id, parents)
    return False


def registers_anywhere(user: User | None) -> bool:
    """May the user register experiences for some unit at all (everyone but the ansatt)?"""
    return user is not None and user.role in ("leder", "fylkesleder", "analytiker")


def sees_unapproved_months(user: User | None) -> bool:
    """With approval on (navdash.approval), the analytiker sees an imported month at once, to check it; everyone
    else sees it once it is approved."""
    return sees_every_unit(user)


def can_approve_months(user: User | None) -> bool:
    """The analytiker approves a month for everyone, and withdraws the approval."""
    return user is not None and user.role == "analytiker"


def can_see_audit_log(user: User | None) -> bool:
    """The log of every change, who and when, is the analytiker's."""
    return sees_every_unit(user)


@dataclass(frozen=True)
class UploadScope:
    """What a user may import: the kinds, and for restricted users the units and indicators a file may touch."""

    kinds: tuple[str, ...]
    units: frozenset[str] | None = None  # None: any unit
    local_indicators_only: bool = False


def upload_scope(user: User | None) -> UploadScope | None:
    if user is None:
        return None
    if sees_every_unit(user):
        return UploadScope(tuple(KINDS))  # every kind of file
    if user.role == "leder":
        return UploadScope(("verdier",), frozenset({user.unit_id}), local_indicators_only=True)
    return None


# ---------------------------------------------------------------------------------------------------------
# Logged-in identities: the role mapping (default deny)
# ---------------------------------------------------------------------------------------------------------


IDENTITY_KEYS = ("oid", "sub", "epost", "gruppe")


class Grant(BaseModel):
    """One line of the role mapping: an identity gets a role at a unit. The identity is a stable subject (Entra ID's
    object id `oid`, or the token's `sub`), a verified e-mail address, or a group claim."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    oid: str | None = Field(default=None, min_length=1)
    sub: str | None = Field(default=None, min_length=1)
    epost: str | None = Field(default=None, min_length=3)
    gruppe: str | None = Field(default=None, min_length=1)
    rolle: Role
    enhet: str = Field(pattern=r"^\d{4}$")

    @model_validator(mode="after")
    def _one_identity(self) -> Grant:
        if sum(getattr(self, key) is not None for key in IDENTITY_KEYS) != 1:
            raise ValueError("hver tilgang må ha nøyaktig én av «oid», «sub», «epost» eller «gruppe»")
        return self


def _one_or_more(value: object) -> object:
    return [value] if isinstance(value, str) else value


class RoleMap(BaseModel):
    """The role file. `utsteder` (the token issuer, e.g. `https://login.microsoftonline.com/<tenant-id>/v2.0`) is
    required: a token from any other issuer, or from another Entra ID tenant (`tenant`, the `tid` claim), maps to no
    one, even if its e-mail or group matches."""

    model_config = ConfigDict(extra="forbid")

    utsteder: Annotated[list[Annotated[str, Field(min_length=8)]], BeforeValidator(_one_or_more)] = Field(min_length=1)
    tenant: str | None = Field(default=None, min_length=1)
    tilgang: list[Grant] = Field(default_factory=list)
    gruppeclaim: str = "groups"  # the claim that lists group ids (Microsoft Entra ID: "groups")


def _problem(error: Mapping) -> str:
    where = ".".join(str(p) for p in error["loc"])
    if error["type"] == "missing":
        hint = (" – oppgi tokenets utsteder (iss), for eksempel https://login.microsoftonline.com/<tenant-id>/v2.0"
                if where == "utsteder" else "")
        return f"{where}: mangler{hint}"
    return f"{where}: {error['msg']}"


class RoleMapError(ValueError):
    """The role mapping file cannot be used; the message is Norwegian, for whoever runs the app."""


def load_role_map(path: Path) -> RoleMap:
    if not path.exists():
        raise RoleMapError(f"fant ikke rollefilen {path}; uten den får ingen innloggede brukere tilgang")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return RoleMap.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise RoleMapError(f"rollefilen {path} er ikke gyldig TOML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(_problem(e) for e in exc.errors())
        raise RoleMapError(f"rollefilen {path} har feil: {problems}") from None


def _claim_true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true") or value == 1


def _issuer_ok(claims: Mapping[str, object], role_map: RoleMap) -> bool:
    issuer = str(claims.get("iss") or "").rstrip("/")
    if not issuer or issuer not in {i.rstrip("/") for i in role_map.utsteder}:
        return False
    return role_map.tenant is None or str(claims.get("tid") or "") == role_map.tenant


def user_from_claims(claims: Mapping[str, object], role_map: RoleMap) -> User | None:
    """The user a logged-in identity maps to, or None (default deny).

    Only tokens from the role file's issuer (and tenant) count. A stable subject (`oid`, then `sub`) wins over a
    verified e-mail address (`email` with `email_verified`, or Entra ID's `xms_edov`), which wins over a group;
    among groups, the first matching line in the file wins. The display name is only ever shown as text."""
    if not _issuer_ok(claims, role_map):
        return None
    name = " ".join(str(claims.get("name") or "").split())[:200]
    subjects = {"oid": str(claims.get("oid") or ""), "sub": str(claims.get("sub") or "")}
    for key in ("oid", "sub"):
        for grant in role_map.tilgang:
            if getattr(grant, key) is not None and subjects[key] and getattr(grant, key) == subjects[key]:
                return User(name or subjects[key], grant.rolle, grant.enhet, demo=False)
    verified = _claim_true(claims.get("email_verified")) or _claim_true(claims.get("xms_edov"))
    email = str(claims.get("email") or "").strip().lower() if verified else ""
    for grant in role_map.tilgang:
        if grant.epost is not None and email and grant.epost.strip().lower() == email:
            return User(name or email, grant.rolle, grant.enhet, demo=False)
    raw_groups = claims.get(role_map.gruppeclaim) or []
    groups = {str(g) for g in raw_groups} if isinstance(raw_groups, list | tuple | set) else {str(raw_groups)}
    for grant in role_map.tilgang:
        if grant.gruppe is not None and grant.gruppe in groups:
            return User(name or "ukjent", grant.rolle, grant.enhet, demo=False)
    return None
