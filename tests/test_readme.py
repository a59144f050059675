"""The README tells the truth: the persona names the app accepts, the Python it needs, an install line for running
the app only, and a test script that installs the test tools too."""

from __future__ import annotations

import re
import tomllib

from navdash.access import DEMO_PERSONAS
from tests.pagetest import ROOT, app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_persona_names_are_the_ones_the_app_accepts():
    named = set(re.findall(r"\?persona=([a-zæøå-]+)", README))
    assert named == set(DEMO_PERSONAS)


def test_unknown_persona_says_so(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, persona="fylkesledelse")
    warning = " ".join(w.value for w in at.sidebar.warning)
    assert "«fylkesledelse» finnes ikke" in warning and all(p in warning for p in DEMO_PERSONAS)
    at = app(demo_db, monkeypatch, persona="fylkesleder")
    assert not at.sidebar.warning


def test_readme_names_the_python_the_project_needs():
    needs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    version = re.fullmatch(r">=(\d+\.\d+)", needs).group(1)
    assert f"Python {version} eller nyere" in README


def _packages(path: str) -> set[str]:
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    return {re.split(r"[\[<>=]", line.strip())[0].lower() for line in lines
            if line.strip() and not line.startswith(("#", "-r"))}


def test_runtime_requirements_hold_no_test_tools_and_the_test_script_installs_both():
    runtime, dev = _packages("requirements.txt"), _packages("requirements-dev.txt")
    assert {"streamlit", "duckdb"} <= runtime
    assert {"pytest", "playwright", "ruff"} <= dev and not ({"pytest", "playwright", "ruff"} & runtime)
    assert "pip install -r requirements.txt &&" in README
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert re.search(r"pip install .*-r requirements\.txt -r requirements-dev\.txt", script)
