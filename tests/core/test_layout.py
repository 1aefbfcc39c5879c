"""The package's layout rules, read from the source with `ast` (nothing is imported):

- `core` imports none of `toy`, `mnist`, `app`, `cli`; `toy` and `mnist` import `core` and never
  each other, nor `app`, `cli` or `notebook`; nothing outside `app/` imports gradio; nothing
  outside the plot modules, `app/` and `notebook` (a front end that hands Plotly figures to its
  user) imports plotly;
- no import cycle among the package's modules (imports inside functions count too);
- no module over 400 lines;
- every public function, method and class of `core`, `toy` and `mnist` has a docstring, and every
  public function and method type hints on its parameters and its return.

The checks are functions of a source tree, so the tests below also run them on a small tree
with a deliberate breach of each rule and see them fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "explorer"
FAMILIES = ("core", "toy", "mnist", "app", "cli", "notebook")
# what each family may import of the package's other families
ALLOWED = {
    "core": {"core"},
    "toy": {"core", "toy"},
    "mnist": {"core", "mnist"},
    "app": {"core", "toy", "mnist", "app"},
    "cli": {"core", "toy", "mnist", "cli"},
    "notebook": {"core", "toy", "mnist", "notebook"},
}
PLOT_MODULES = {"explorer.toy.plots1d", "explorer.toy.plots2d", "explorer.toy.report", "explorer.mnist.plots"}
MAX_LINES = 400
DOCUMENTED_FAMILIES = ("core", "toy", "mnist")


def module_names(root: Path) -> dict[str, Path]:
    """Every module of the package at `root`, by dotted name (a package by its __init__)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """(imported name, line) for each import in the module, relative imports resolved; for
    `from X import y`, X.y when that is a module, else X."""
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                full = f"{source}.{alias.name}"
                found.append((full if full in known else source, node.lineno))
    return found


def family_of(module: str) -> str | None:
    """'core', 'toy', 'mnist', 'app' or 'cli' for a module of the package; None for the package
    itself and for anything outside it."""
    parts = module.split(".")
    if parts[0] != "explorer" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in FAMILIES else None


def breaches(root: Path) -> list[str]:
    """Every import that breaks the family rule or the gradio and plotly rules."""
    names = module_names(root)
    found = []
    for module, path in names.items():
        family = family_of(module)
        for target, line in imports_of(module, path, set(names)):
            where = f"{path.relative_to(root.parent)}:{line} imports {target}"
            top = target.split(".")[0]
            if top == "gradio" and family != "app":
                found.append(f"{where}: gradio belongs to app/ only")
            if top == "plotly" and family not in ("app", "notebook") and module not in PLOT_MODULES:
                found.append(f"{where}: plotly belongs to the plot modules and app/ only")
            target_family = family_of(target)
            if family and target_family and target_family not in ALLOWED[family]:
                found.append(f"{where}: {family} may not import {target_family}")
    return found


def cycles(root: Path) -> list[list[str]]:
    """The import cycles among the package's modules (each as the list of its modules)."""
    names = module_names(root)
    graph = {module: sorted({t for t, _ in imports_of(module, path, set(names)) if t in names and t != module})
             for module, path in names.items()}
    # Tarjan's strongly connected components: a component of more than one module is a cycle
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for child in graph[node]:
            if child not in index:
                visit(child)
                low[node] = min(low[node], low[child])
            elif child in on_stack:
                low[node] = min(low[node], index[child])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def long_modules(root: Path, limit: int = MAX_LINES) -> list[str]:
    """Modules of more than `limit` lines."""
    return [f"{path.relative_to(root.parent)}: {n} lines"
            for path in sorted(root.rglob("*.py")) if (n := len(path.read_text().splitlines())) > limit]


def undocumented(root: Path, families: tuple[str, ...] = DOCUMENTED_FAMILIES) -> list[str]:
    """Public functions, methods and classes of `families` without a docstring, and public
    functions and methods without type hints on every parameter (self and cls apart) and on
    their return (__init__ apart)."""
    found = []
    for family in families:
        for path in sorted((root / family).rglob("*.py")):
            tree = ast.parse(path.read_text(), str(path))
            for node, owner in _public_definitions(tree):
                where = f"{path.relative_to(root.parent)}:{node.lineno} {owner}{node.name}"
                if ast.get_docstring(node) is None and node.name != "__init__":
                    found.append(f"{where}: no docstring")
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    args = node.args
                    params = args.posonlyargs + args.args + args.kwonlyargs
                    params += [a for a in (args.vararg, args.kwarg) if a is not None]
                    missing = [a.arg for a in params if a.annotation is None and a.arg not in ("self", "cls")]
                    if missing:
                        found.append(f"{where}: no type hint on {', '.join(missing)}")
                    if node.returns is None and node.name != "__init__":
                        found.append(f"{where}: no return type hint")
    return found


def _public_definitions(tree: ast.Module):
    """(definition, 'Class.' or '') for the module's public functions and classes and the public
    methods (and __init__) of its public classes."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            yield node, ""
            if isinstance(node, ast.ClassDef):
                for member in node.body:
                    if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                            not member.name.startswith("_") or member.name == "__init__"):
                        yield member, f"{node.name}."


# ---------------------------------------------------------------------- the package
def test_the_families_import_only_what_the_layout_allows():
    found = breaches(PACKAGE)
    assert not found, "\n".join(found)


def test_there_is_no_import_cycle():
    found = cycles(PACKAGE)
    assert not found, "\n".join("an import cycle among " + ", ".join(cycle) for cycle in found)


def test_no_module_is_over_400_lines():
    found = long_modules(PACKAGE)
    assert not found, "\n".join(found)


def test_every_public_function_of_core_toy_and_mnist_has_a_docstring_and_type_hints():
    found = undocumented(PACKAGE)
    assert not found, "\n".join(found)


def test_the_package_has_the_four_families():
    assert {family_of(m) for m in module_names(PACKAGE)} - {None} == set(FAMILIES)


# ---------------------------------------------------------------------- the checks themselves
def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "explorer"
    for name, text in {"__init__.py": "", "core/__init__.py": "", "toy/__init__.py": "",
                       "mnist/__init__.py": "", "app/__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"toy/run.py": "from ..mnist import data\n", "mnist/data.py": ""}, "toy may not import mnist"),
        ({"mnist/run.py": "from explorer.toy.trainer import ToyTrainer\n", "toy/trainer.py": ""},
         "mnist may not import toy"),
        ({"core/config.py": "def f():\n    from ..toy import config\n", "toy/config.py": ""},
         "core may not import toy"),
        ({"toy/trainer.py": "from ..app import session\n", "app/session.py": ""}, "toy may not import app"),
        ({"toy/trainer.py": "import gradio as gr\n"}, "gradio belongs to app/ only"),
        ({"mnist/trainer.py": "from plotly import graph_objects\n"}, "plotly belongs to the plot modules"),
    ],
)
def test_the_rule_check_finds_a_deliberate_breach(tmp_path, files, expected):
    found = breaches(_tree(tmp_path, files))
    assert any(expected in line for line in found), found


def test_the_rule_check_passes_what_the_layout_allows(tmp_path):
    root = _tree(tmp_path, {"toy/run.py": "from ..core import run\nfrom . import plots1d\n", "core/run.py": "",
                            "toy/plots1d.py": "import plotly.graph_objects as go\n",
                            "app/tab.py": "import gradio\nfrom ..toy import run\nfrom ..mnist import data\n",
                            "mnist/data.py": "import torch\n"})
    assert breaches(root) == []


def test_the_cycle_check_finds_a_cycle_through_a_lazy_import(tmp_path):
    root = _tree(tmp_path, {"toy/a.py": "from .b import x\n", "toy/b.py": "def f():\n    from .c import y\n",
                            "toy/c.py": "from . import a\n"})
    assert cycles(root) == [["explorer.toy.a", "explorer.toy.b", "explorer.toy.c"]]


def test_the_length_and_docstring_checks_find_what_they_look_for(tmp_path):
    root = _tree(tmp_path, {"toy/long.py": "x = 1\n" * 401,
                            "core/bare.py": "def public(a, b: int):\n    return a\n\n"
                                            "class Thing:\n    \"\"\"A thing.\"\"\"\n\n"
                                            "    def method(self) -> int:\n        return 1\n\n"
                                            "def _private(a):\n    return a\n"})
    assert long_modules(root) == ["explorer/toy/long.py: 401 lines"]
    assert undocumented(root) == [
        "explorer/core/bare.py:1 public: no docstring",
        "explorer/core/bare.py:1 public: no type hint on a",
        "explorer/core/bare.py:1 public: no return type hint",
        "explorer/core/bare.py:7 Thing.method: no docstring",
    ]
