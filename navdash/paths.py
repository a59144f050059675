"""Where navdash's files live: the analytic database (and, beside it, the embedded application database)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "navdash.duckdb"
DEMO_DIR = ROOT / "data" / "demo"


def db_path() -> Path:
    """`data/navdash.duckdb` unless the environment variable NAVDASH_DB names another file."""
    env = os.environ.get("NAVDASH_DB")
    return Path(env).resolve() if env else DEFAULT_DB


APPROVAL_ENV = "NAVDASH_GODKJENNING"
_ON = {"på", "pa", "paa", "ja", "1", "true", "on"}
_OFF = {"", "av", "nei", "0", "false", "off"}


def approval_required() -> bool:
    """Whether this installation publishes a month only after an analyst approves it: NAVDASH_GODKJENNING=på.
    Off when unset. A value it does not know counts as on: a mistyped setting must not publish unapproved months
    (the analyst is told, see `approval_setting_problem`)."""
    return os.environ.get(APPROVAL_ENV, "").strip().lower() not in _OFF


def approval_setting_problem() -> str | None:
    """A Norwegian sentence when NAVDASH_GODKJENNING holds something other than på or av, else None."""
    raw = os.environ.get(APPROVAL_ENV, "").strip().lower()
    if raw in _ON or raw in _OFF:
        return None
    return f"{APPROVAL_ENV} må være «på» eller «av», ikke «{raw[:40]}»; godkjenning av måneder er derfor slått på."
