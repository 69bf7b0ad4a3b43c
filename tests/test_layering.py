"""The package's structure: where the version lives, and which way imports point."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from hipaa_sra import __version__
from hipaa_sra._version import __version__ as own_version

ROOT = Path(__file__).resolve().parents[1]


def test_version_has_one_home_that_pyproject_agrees_with() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert own_version == project["version"]
    assert __version__ is own_version


# DESIGN.md: model <- loading <- rules/analysis <- formats/report <- cli/web. The second-wave
# packages sit below the shells and above loading/model, beside rules and analysis (rules
# read discovery and quantification; editing records history).
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"_version", "errors", "findings", "dates", "lazy", "lifetime", "names"}),
    frozenset({"model"}),
    frozenset({"catalog"}),
    frozenset({"loading", "writing", "git", "ssh"}),
    frozenset(
        {
            "analysis",
            "rules",
            "scoring",
            "schedule",
            "signoff",
            "gate",
            "history",
            "editing",
            "assessment",
            "discover",
            "scan",
            "deid",
            "quantify",
            "interop",
        }
    ),
    frozenset({"formats", "report"}),
    frozenset({"cli", "web", "__init__", "__main__"}),
)
PACKAGE = ROOT / "src" / "hipaa_sra"


def _layer(top: str) -> int:
    return next(n for n, names in enumerate(LAYERS) if top in names)


def _imports(path: Path, package_root: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every `hipaa_sra` import in the file, lazy ones included."""
    parts = list(path.relative_to(package_root.parent).with_suffix("").parts)
    package = parts[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names = [module] if node.module else [f"{module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        out += [(node.lineno, name) for name in names if name.startswith("hipaa_sra")]
    return sorted(out)


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _own(path: Path, package_root: Path) -> str:
    return _top(".".join(path.relative_to(package_root.parent).with_suffix("").parts))


def _violations(package_root: Path) -> list[str]:
    wrong = []
    for path in sorted(package_root.rglob("*.py")):
        own = _own(path, package_root)
        for line, module in _imports(path, package_root):
            if _layer(_top(module)) > _layer(own):
                shown = path.relative_to(package_root.parent)
                wrong.append(f"{shown}:{line}: {own} imports {module}")
    return wrong


def test_every_package_has_a_layer() -> None:
    tops = {_own(path, PACKAGE) for path in PACKAGE.rglob("*.py")}
    assert tops <= set().union(*LAYERS)


def test_no_module_imports_from_a_later_layer() -> None:
    assert _violations(PACKAGE) == []


def test_the_layer_check_finds_relative_lazy_and_absolute_imports(tmp_path: Path) -> None:
    fake = tmp_path / "hipaa_sra"
    (fake / "model").mkdir(parents=True)
    (fake / "model" / "fine.py").write_text("from ..errors import SraError\nfrom . import base\n")
    (fake / "model" / "bad.py").write_text(
        "from ..formats import text\n"
        "def f():\n    from ..loading import load_workspace\n"
        "import hipaa_sra.cli\n"
    )
    assert _violations(fake) == [
        "hipaa_sra/model/bad.py:1: model imports hipaa_sra.formats",
        "hipaa_sra/model/bad.py:3: model imports hipaa_sra.loading",
        "hipaa_sra/model/bad.py:4: model imports hipaa_sra.cli",
    ]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_uses(package_root: Path) -> list[str]:
    """`from x import _y`, and `x._y` on a module `x` of the package, outside `x` itself."""
    modules = {_module_name(p, package_root) for p in package_root.rglob("*.py")}
    found = []
    for path in sorted(package_root.rglob("*.py")):
        own = _module_name(path, package_root)
        package = own if path.name == "__init__.py" else own.rpartition(".")[0]
        shown = path.relative_to(package_root.parent)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound: set[str] = set()  # names the file binds to a module of the package
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1] if node.level else []
                module = ".".join(base + ([node.module] if node.module else []))
                if not module.startswith("hipaa_sra"):
                    continue
                for alias in node.names:
                    if f"{module}.{alias.name}" in modules:
                        bound.add(alias.asname or alias.name)
                    elif _private(alias.name):
                        found.append(f"{shown}:{node.lineno}: {alias.name}")
            elif isinstance(node, ast.Import):
                bound.update(
                    a.asname or a.name.split(".")[0]
                    for a in node.names
                    if a.name.startswith("hipaa_sra")
                )
        found += [
            f"{shown}:{node.lineno}: {node.value.id}.{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and _private(node.attr)
        ]
    return found


def test_no_module_imports_another_modules_private_name() -> None:
    assert _private_uses(PACKAGE) == []


def test_the_private_name_check_finds_imported_names_and_module_attributes(
    tmp_path: Path,
) -> None:
    fake = tmp_path / "hipaa_sra"
    (fake / "scan").mkdir(parents=True)
    (fake / "scan" / "checks.py").write_text("_SSN = 'x'\nSSN = _SSN\n")
    (fake / "user.py").write_text(
        "from .scan import checks\nfrom .scan.checks import _SSN, SSN\n"
        "from ._version import __version__\nA = (checks._SSN, checks.SSN, SSN, _SSN)\n"
    )
    assert _private_uses(fake) == ["hipaa_sra/user.py:2: _SSN", "hipaa_sra/user.py:4: checks._SSN"]


def test_the_errors_docstring_draws_every_sra_error() -> None:
    bases: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    b.id if isinstance(b, ast.Name) else b.attr
                    for b in node.bases
                    if isinstance(b, ast.Name | ast.Attribute)
                )
    errors, grew = {"SraError"}, True
    while grew:
        more = {name for name, of in bases.items() if of & errors} - errors
        errors |= more
        grew = bool(more)
    drawing = ast.get_docstring(ast.parse((PACKAGE / "errors.py").read_text(encoding="utf-8")))
    assert drawing is not None
    drawn = {
        line.split()[1]
        for line in drawing.splitlines()
        if line.strip()[:1] in "*x+" and len(line.split()) > 1
    }
    assert "MethodologyError" in errors
    assert errors - drawn == set()


def test_facts_does_not_import_the_analyses_built_on_it() -> None:
    # coverage imports facts; facts memoizes coverage through `Facts.derived` instead.
    facts = PACKAGE / "analysis" / "facts.py"
    assert "hipaa_sra.analysis.coverage" not in {m for _, m in _imports(facts, PACKAGE)}


def test_the_rule_engine_imports_no_rule_family() -> None:
    # Families are reached through the registry only; the engine, waivers and the rule
    # model stay the same however many families there are.
    rules = PACKAGE / "rules"
    families = {p.stem for p in rules.glob("*.py") if "_RULES: tuple[Rule, ...]" in p.read_text()}
    assert {"register", "coverage", "workspace"} <= families
    for name in ("engine", "waivers", "base", "lint_report"):
        imported = {
            m.rsplit(".", 1)[-1]
            for _, m in _imports(rules / f"{name}.py", PACKAGE)
            if m.startswith("hipaa_sra.rules.")
        }
        assert imported & families == set(), name
    # The families import these, and the registry imports the families: a rule is found
    # through `Context.find_rule`, which the engine fills from the registry.
    for name in ("waivers", "base", "lint_report"):
        imported = {m for _, m in _imports(rules / f"{name}.py", PACKAGE)}
        assert "hipaa_sra.rules.registry" not in imported, name


def test_which_signoffs_count_is_decided_without_importing_the_signoff_package() -> None:
    # signoff/ builds on the analysis; the analysis checks signatures through ssh/ directly.
    status = PACKAGE / "analysis" / "signoff_status.py"
    assert not any(_top(m) == "signoff" for _, m in _imports(status, PACKAGE))


def _module_name(path: Path, package_root: Path) -> str:
    parts = list(path.relative_to(package_root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path, package_root: Path, modules: set[str]) -> set[str]:
    """Modules of the package that importing `path` (or calling its functions) runs.

    Imports inside functions count: the project uses them for start-up speed (`sra
    --version` should not load Jinja2), never to hide a cycle. Imports under `if
    TYPE_CHECKING:` do not: they never run. Importing `a.b.c` runs `a/__init__` and
    `a/b/__init__` too, except the packages the importing module sits in (already running).
    """
    own = _module_name(path, package_root)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for orelse in child.orelse:
                    visit(orelse)
                continue
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    parts = package.split(".")
                    base = parts[: len(parts) - child.level + 1]
                    module = ".".join(base + ([child.module] if child.module else []))
                else:
                    module = child.module or ""
                for alias in child.names:  # `from pkg import submodule` runs the submodule
                    sub = f"{module}.{alias.name}"
                    found.add(sub if sub in modules else module)
            elif isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    ran = set()
    for module in found:
        parts = module.split(".")
        for n in range(1, len(parts) + 1):
            name = ".".join(parts[:n])
            implicit_own = n < len(parts) and (own == name or own.startswith(name + "."))
            if name in modules and name != own and not implicit_own:
                ran.add(name)
    return ran


def _cycles(package_root: Path) -> list[list[str]]:
    """Every set of modules that import each other in a circle (Tarjan's components)."""
    paths = {_module_name(p, package_root): p for p in package_root.rglob("*.py")}
    graph = {name: _runtime_imports(p, package_root, set(paths)) for name, p in paths.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            connect(name)
    return sorted(found)


def test_no_modules_import_each_other_in_a_circle() -> None:
    assert _cycles(PACKAGE) == []


def test_the_cycle_check_finds_lazy_cycles_and_ignores_type_checking(tmp_path: Path) -> None:
    fake = tmp_path / "hipaa_sra"
    (fake / "web" / "views").mkdir(parents=True)
    for init in (fake, fake / "web", fake / "web" / "views"):
        (init / "__init__.py").write_text("")
    (fake / "web" / "permissions.py").write_text(
        "def deny():\n    from .views.errors import forbidden\n"
    )
    (fake / "web" / "views" / "errors.py").write_text("from ..permissions import deny\n")
    (fake / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import b\n"
    )
    (fake / "b.py").write_text("from hipaa_sra import a\n")
    assert _cycles(fake) == [["hipaa_sra.web.permissions", "hipaa_sra.web.views.errors"]]
