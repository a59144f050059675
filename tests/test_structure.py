"""The shape of the code: no import cycles, Streamlit only in the UI layer, permission rules only in access.py.

These read the source with `ast`; nothing is imported or run, so a failure names the file and line to look at.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "navdash"
STREAMLIT_ALLOWED = ("navdash/ui/", "views/", "app.py")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _typing_only(tree: ast.AST) -> set[int]:
    """The ids of import nodes under `if TYPE_CHECKING:`: they name types for annotations and never run."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skip


def _imported(tree: ast.AST, known: set[str]) -> Iterator[tuple[str, int]]:
    """Every navdash module a tree imports, at any depth (an import inside a function counts too); imports for type
    annotations only (`if TYPE_CHECKING:`) do not run and are left out."""
    typing_only = _typing_only(tree)
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        else:
            continue
        for name in names:
            if name in known:
                yield name, node.lineno


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        deps = {m for m, _ in _imported(ast.parse(path.read_text(encoding="utf-8")), known)}
        graph[name] = deps - {name, "navdash", "navdash.ui"}  # a package's __init__ is empty
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One path around every cycle found by a depth-first walk (each as [a, b, ..., a])."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_the_import_graph_sees_imports_inside_functions():
    graph = import_graph()
    assert "navdash.store" in graph["navdash.ingest"]
    assert "navdash.ingest" in graph["navdash.demo"]  # imported at the top
    assert "navdash.meetings" in graph["navdash.ui.data"]  # imported inside a cached loader


def test_no_import_cycles():
    found = cycles(import_graph())
    assert not found, "import cycles: " + "; ".join(" → ".join(c) for c in found)


def _python_files() -> Iterator[Path]:
    yield ROOT / "app.py"
    yield from sorted(PACKAGE.rglob("*.py"))
    yield from sorted((ROOT / "views").rglob("*.py"))


def _imports_streamlit(tree: ast.AST) -> Iterator[int]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "streamlit" for a in node.names):
            yield node.lineno
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "streamlit":
            yield node.lineno


def test_streamlit_is_imported_only_in_the_ui_layer():
    wrong = []
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(STREAMLIT_ALLOWED):
            continue
        wrong += [f"{rel}:{line}" for line in _imports_streamlit(ast.parse(path.read_text(encoding="utf-8")))]
    assert not wrong, "Streamlit imported outside navdash/ui/, views/ and app.py: " + ", ".join(wrong)


def test_the_streamlit_check_sees_a_nested_import():
    tree = ast.parse("def f():\n    from streamlit.runtime import x\nimport numpy\nimport streamlit as st\n")
    assert sorted(_imports_streamlit(tree)) == [2, 4]


ROLE_RULES_ALLOWED = ("navdash/access.py",)


def _role_literal(node: ast.AST, roles: frozenset[str]) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value in roles
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return bool(node.elts) and all(_role_literal(e, roles) for e in node.elts)
    return False


def role_tests(source: str) -> Iterator[int]:
    """Lines that compare something with a role name (`user.role == "leder"`, `role in ("leder", "analytiker")`):
    a permission rule written where access.py should be asked."""
    from navdash.access import ROLES

    roles = frozenset(ROLES)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(_role_literal(n, roles) for n in (node.left, *node.comparators)):
            yield node.lineno
        elif isinstance(node, ast.MatchValue) and _role_literal(node.value, roles):
            yield node.lineno


def test_the_role_check_finds_role_tests_and_leaves_other_strings_alone():
    source = ('if user.role == "analytiker":\n    pass\n'
              'ok = user.role in ("leder", "fylkesleder")\n'
              'group = grp == "medarbeider"\n'
              'indicator = ind.role == "styringsparameter"\n'
              'match user.role:\n    case "ansatt":\n        pass\n')
    assert sorted(role_tests(source)) == [1, 3, 7]


def test_permission_rules_live_only_in_access():
    wrong = []
    for path in [*_python_files()]:
        rel = path.relative_to(ROOT).as_posix()
        if rel in ROLE_RULES_ALLOWED:
            continue
        wrong += [f"{rel}:{line}" for line in role_tests(path.read_text(encoding="utf-8"))]
    assert not wrong, "role names compared outside navdash/access.py (ask access.py instead): " + ", ".join(wrong)


def test_test_files_have_unique_names():
    """pytest imports test files by their base name (the tests folders are not packages): two files with one name
    stop the whole run at collection."""
    names = [p.name for p in (ROOT / "tests").rglob("test_*.py")]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def _requirements(path: Path) -> dict[str, set[str]]:
    """The distributions a requirements file names, itself and through `-r` files, with the extras asked for."""
    from packaging.requirements import Requirement

    out: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            out.update(_requirements(path.parent / line[3:].strip()))
        elif line:
            req = Requirement(line)
            out[_norm(req.name)] = set(req.extras)
    return out


def _norm(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _with_dependencies(wanted: dict[str, set[str]]) -> set[str]:
    """The named distributions and everything they require when installed: a dependency behind an extra only when
    that extra is asked for, one behind another marker (a platform, a Python version) when it holds here."""
    from importlib import metadata

    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = list(wanted.items())
    while todo:
        name, extras = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in requires:
            req = Requirement(text)
            if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in extras or {""}):
                todo.append((_norm(req.name), set(req.extras)))
    return seen


def _third_party_imports(paths: list[Path]) -> set[str]:
    import sys

    local = {"navdash", "tests", "views", "app"}
    out: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            out |= {n.split(".")[0] for n in names} - local - set(sys.stdlib_module_names)
    return out


@pytest.mark.parametrize(("folders", "requirements"), [
    (["navdash", "views", "app.py"], "requirements.txt"),
    (["navdash", "views", "app.py", "tests"], "requirements-dev.txt"),
])
def test_every_imported_package_is_installed_by_the_requirements(folders, requirements):
    """A fresh machine gets only what the requirements name (and what those need): a module the code imports from
    anywhere else would work here, where it happens to be installed, and fail there."""
    from importlib import metadata

    files = [p for f in folders for p in ([ROOT / f] if f.endswith(".py") else (ROOT / f).rglob("*.py"))]
    installed = _with_dependencies(_requirements(ROOT / requirements))
    providers = metadata.packages_distributions()
    missing = {m for m in _third_party_imports(files) if not {_norm(d) for d in providers.get(m, [m])} & installed}
    assert missing == set()
