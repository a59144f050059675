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
