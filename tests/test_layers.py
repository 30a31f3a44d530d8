"""The layers of ARCHITECTURE.md, read from the source with `ast` (no module is imported): the imports, and
what is not an import — printing, sys.argv and the clock.

    cli/                                  parse options → call one workflow → print
    workflows/                            edges → engines → edges (one module per group of commands)
    edges:   io/ state/ render/ deliver/  files, database, templates and writers, SMTP
    engines: reconcile/ dunning/ reports/ pure: data in, data out
    vocabulary: model.py money.py refs.py errors.py config.py
                (and text.py, match_settings.py: parts of model.py kept apart so that `--help` needs neither)

Only cli/ prints and reads sys.argv; only cli/ and workflows/ read the clock (the state's timestamps come from
a `now` the workflow passes in). That `arctl --help` does not import pandas is checked by running it, in
tests/test_cli_contract.py (test_version_and_help_do_not_import_pandas).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "arctl"

VOCABULARY = {"arctl", "arctl.model", "arctl.money", "arctl.refs", "arctl.errors", "arctl.config", "arctl.text",
              "arctl.match_settings"}
EDGES = ("io", "state", "render", "deliver")
ENGINES = ("reconcile", "dunning", "reports")


def layer_of(module: str) -> str:
    """'vocabulary', 'engine:reports', 'edge:io', 'workflows', 'cli' or 'unknown' for an arctl module."""
    if module in VOCABULARY:
        return "vocabulary"
    parts = module.split(".")
    if parts[1] in ("cli", "__main__"):
        return "cli"
    if parts[1] == "workflows":
        return "workflows"
    if parts[1] in EDGES:
        return f"edge:{parts[1]}"
    if parts[1] in ENGINES:
        return f"engine:{parts[1]}"
    return "unknown"


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. arctl.render.check
    target: str  # the imported module, e.g. arctl.io.export
    line: int
    top_level: bool  # a statement of the module body (runs at import), not inside a function or class

    def __str__(self) -> str:
        return f"{source_of(self.module)}:{self.line}: {self.module} imports {self.target}"


def source_of(module: str) -> Path:
    """src/arctl/io/export.py for arctl.io.export; the package's __init__.py for a package."""
    path = PACKAGE.parent / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = PACKAGE.parent / module.replace(".", "/") / "__init__.py"
    return path.relative_to(SRC.parent)


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def resolve(node: ast.ImportFrom, module: str, package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def is_submodule(name: str) -> bool:
    path = SRC / name.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports_of(path: Path) -> list[Import]:
    module = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top = {id(node) for node in tree.body}
    # an import under a top-level `if`/`try` still runs when the module is imported (not `if TYPE_CHECKING:`)
    for node in tree.body:
        if isinstance(node, (ast.If, ast.Try)) and "TYPE_CHECKING" not in ast.unparse(getattr(node, "test", node)):
            top.update(id(child) for child in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = resolve(node, module, is_package(path))
            for alias in node.names:
                # `from arctl import workflows` imports the module arctl.workflows
                candidate = f"{base}.{alias.name}"
                target = candidate if base.startswith("arctl") and is_submodule(candidate) else base
                found.append(Import(module, target, node.lineno, id(node) in top))
    return found


ALL_IMPORTS = [imp for path in sorted(PACKAGE.rglob("*.py")) for imp in imports_of(path)]
ARCTL_IMPORTS = [imp for imp in ALL_IMPORTS if imp.target == "arctl" or imp.target.startswith("arctl.")]


def third_party(name: str) -> list[Import]:
    return [imp for imp in ALL_IMPORTS if imp.target == name or imp.target.startswith(name + ".")]


def report(violations: list[Import], rule: str) -> str:
    return f"{rule}; {len(violations)} violation(s):\n  " + "\n  ".join(map(str, violations))


def test_the_import_reader_sees_the_package():
    assert any(imp.module == "arctl.cli.check" and imp.target == "arctl.workflows" for imp in ARCTL_IMPORTS)


def test_the_import_reader_sees_the_modules_of_the_workflows_package():
    inside = [imp for imp in ARCTL_IMPORTS if imp.module.startswith("arctl.workflows.")]
    package = [imp for imp in ARCTL_IMPORTS if imp.module == "arctl.workflows"]

    assert inside and package
    assert all(layer_of(imp.module) == "workflows" for imp in inside + package)
    # a violation names the file it is in, the package's __init__.py included
    assert all((SRC.parent / str(imp).split(":")[0]).is_file() for imp in inside + package)


def test_every_module_belongs_to_a_layer():
    unknown = sorted({module_name(p) for p in PACKAGE.rglob("*.py")} - {""})
    unknown = [m for m in unknown if layer_of(m) == "unknown"]

    assert not unknown, f"modules in no layer of ARCHITECTURE.md (add them there and here): {', '.join(unknown)}"


CLI_LAYERS = {"cli", "workflows", "edge:render", "vocabulary"}


def test_cli_imports_only_workflows_render_the_vocabulary_and_itself():
    """The cli calls one workflow and prints its result through render/'s writers (terminal tables, JSON, CSV):
    its layers are workflows, render, the vocabulary and cli — no other edge, and no engine."""
    violations = [imp for imp in ARCTL_IMPORTS
                  if layer_of(imp.module) == "cli" and layer_of(imp.target) not in CLI_LAYERS]

    assert not violations, report(violations, "cli/ imports only workflows, render/, the vocabulary and cli/")


@pytest.mark.parametrize("engine", ENGINES)
def test_an_engine_imports_only_the_vocabulary_and_its_own_package(engine):
    layer = f"engine:{engine}"
    violations = [imp for imp in ARCTL_IMPORTS
                  if layer_of(imp.module) == layer and layer_of(imp.target) not in {layer, "vocabulary"}]

    assert not violations, report(violations, f"{engine}/ imports only the vocabulary and {engine}/")


@pytest.mark.parametrize("edge", EDGES)
def test_an_edge_imports_only_the_vocabulary_and_its_own_package(edge):
    """render/ too: the report results it writes are types of model.py, computed by reports/ before rendering."""
    layer = f"edge:{edge}"
    violations = [imp for imp in ARCTL_IMPORTS
                  if layer_of(imp.module) == layer and layer_of(imp.target) not in {layer, "vocabulary"}]

    assert not violations, report(violations, f"{edge}/ imports only the vocabulary and {edge}/")


def test_the_vocabulary_imports_only_the_vocabulary():
    violations = [imp for imp in ARCTL_IMPORTS
                  if layer_of(imp.module) == "vocabulary" and layer_of(imp.target) != "vocabulary"]

    assert not violations, report(violations, "model, money, refs, errors and config import only each other")


def test_nothing_imports_the_cli_except_the_cli_and_the_entry_point():
    violations = [imp for imp in ARCTL_IMPORTS if layer_of(imp.target) == "cli" and layer_of(imp.module) != "cli"]

    assert not violations, report(violations, "only cli/ and __main__ import cli/")


def test_only_the_cli_imports_typer():
    violations = [imp for imp in third_party("typer") if layer_of(imp.module) != "cli"]

    assert not violations, report(violations, "typer is imported only in cli/ (not in workflows or below)")


def test_only_the_cli_and_render_import_rich():
    violations = [imp for imp in third_party("rich") if layer_of(imp.module) not in ("cli", "edge:render")]

    assert not violations, report(violations, "rich is imported only in cli/ and render/")


def test_the_cli_does_not_import_pandas_at_module_level():
    violations = [imp for imp in third_party("pandas") if layer_of(imp.module) == "cli" and imp.top_level]

    assert not violations, report(violations, "cli/ imports pandas only inside functions (fast --help)")


def test_the_workflows_do_not_import_pandas_at_module_level():
    violations = [imp for imp in third_party("pandas") if layer_of(imp.module) == "workflows" and imp.top_level]

    assert not violations, report(violations, "workflows/ imports pandas only inside functions (fast --help)")


def test_the_workflows_modules_import_each_other_from_the_module_not_the_package():
    # arctl/workflows/__init__.py imports every module of the package: importing it back from one of them is a cycle
    violations = [imp for imp in ARCTL_IMPORTS
                  if imp.module.startswith("arctl.workflows.") and imp.target == "arctl.workflows"]

    assert not violations, report(violations, "a module of workflows/ imports its siblings by their own name")


def test_nothing_below_workflows_imports_sqlalchemy_outside_state():
    violations = [imp for imp in third_party("sqlalchemy") if layer_of(imp.module) != "edge:state"]

    assert not violations, report(violations, "only state/ imports sqlalchemy (nothing outside state writes SQL)")


# --- what is not an import: printing, sys.argv, the clock ----------------------------------------------


@dataclass(frozen=True)
class Use:
    module: str
    what: str  # as written, e.g. print(...), sys.argv, dt.datetime.now()
    line: int

    def __str__(self) -> str:
        return f"{source_of(self.module)}:{self.line}: {self.what}"


# the last two names of a call that reads the wall clock: date.today(), dt.datetime.now(dt.UTC), time.time() ...
CLOCK_CALLS = {("date", "today"), ("datetime", "today"), ("datetime", "now"), ("datetime", "utcnow"),
               ("time", "time"), ("Timestamp", "now"), ("Timestamp", "today")}


def dotted(node: ast.expr) -> str:
    """'dt.datetime.now' for the expression dt.datetime.now; '' for anything that is not a plain name chain."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(parts)]) if isinstance(node, ast.Name) else ""


def uses_of(path: Path) -> dict[str, list[Use]]:
    """Calls of print(), reads of sys.argv and reads of the clock in one module, by kind."""
    module = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: dict[str, list[Use]] = {"print": [], "argv": [], "clock": []}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            found["print"].append(Use(module, "print(...)", node.lineno))
        elif isinstance(node, ast.Attribute) and dotted(node) == "sys.argv":
            found["argv"].append(Use(module, "sys.argv", node.lineno))
        elif isinstance(node, ast.Call) and tuple(dotted(node.func).split(".")[-2:]) in CLOCK_CALLS:
            found["clock"].append(Use(module, f"{dotted(node.func)}()", node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.module in ("sys", "time"):
            for alias in node.names:
                if (node.module, alias.name) in (("sys", "argv"), ("time", "time")):
                    kind = "argv" if node.module == "sys" else "clock"
                    found[kind].append(Use(module, f"from {node.module} import {alias.name}", node.lineno))
    return found


ALL_USES = {module_name(path): uses_of(path) for path in sorted(PACKAGE.rglob("*.py"))}
BELOW_WORKFLOWS = ("vocabulary", *(f"edge:{edge}" for edge in EDGES), *(f"engine:{engine}" for engine in ENGINES))

def found_uses(kind: str, layers: tuple[str, ...]) -> list[Use]:
    return sorted((use for module, kinds in ALL_USES.items() if layer_of(module) in layers for use in kinds[kind]),
                  key=lambda use: (use.module, use.line))


def test_the_use_reader_sees_the_cli_print_and_the_workflows_read_the_clock():
    assert found_uses("print", ("cli",))
    assert found_uses("clock", ("workflows",))


def test_only_the_cli_prints():
    uses = found_uses("print", ("workflows", *BELOW_WORKFLOWS))

    assert not uses, report(uses, "only cli/ calls print() (the rest returns "
                                              "results, or writes to the console or file it is given)")


def test_only_the_cli_reads_sys_argv():
    uses = found_uses("argv", ("workflows", *BELOW_WORKFLOWS))

    assert not uses, report(uses, "only cli/ reads sys.argv (typer parses it)")


def test_nothing_below_the_workflows_reads_the_clock():
    uses = found_uses("clock", BELOW_WORKFLOWS)

    assert not uses, report(uses, "the edges, engines and vocabulary take "
                                              "`as_of` or a `now` callable; only cli/ and workflows/ read the clock")


def import_cycles(imports: list[Import], package: str) -> list[list[Import]]:
    """Import cycles among the modules of `package`, each as the imports that close it (one per cycle found).

    Every import counts, also one inside a function: a cycle that only closes at call time still ties
    the modules together, and turns into an ImportError as soon as one of its imports moves to the top.
    """
    graph: dict[str, dict[str, Import]] = {}  # module → target → the first import of it
    for imp in imports:
        if imp.module.startswith(package + ".") and imp.target.startswith(package + ".") and imp.module != imp.target:
            graph.setdefault(imp.module, {}).setdefault(imp.target, imp)
    cycles: list[list[Import]] = []
    done: set[str] = set()

    def visit(module: str, path: list[Import], on_path: dict[str, int]) -> None:
        for imp in graph.get(module, {}).values():
            if imp.target in on_path:
                cycles.append(path[on_path[imp.target]:] + [imp])
            elif imp.target not in done:
                on_path[imp.target] = len(path) + 1
                visit(imp.target, [*path, imp], on_path)
                del on_path[imp.target]
        done.add(module)

    for start in sorted(graph):
        if start not in done:
            visit(start, [], {start: 0})
    return cycles


def test_the_cycle_finder_sees_a_cycle_closed_by_a_function_level_import():
    ring = [Import("arctl.io.a", "arctl.io.b", 1, True), Import("arctl.io.b", "arctl.io.c", 2, True),
            Import("arctl.io.c", "arctl.io.a", 9, False), Import("arctl.io.c", "arctl.model", 3, True)]

    assert [[(imp.module, imp.target) for imp in cycle] for cycle in import_cycles(ring, "arctl.io")] == [
        [("arctl.io.a", "arctl.io.b"), ("arctl.io.b", "arctl.io.c"), ("arctl.io.c", "arctl.io.a")]]
    assert import_cycles(ring[:2] + ring[3:], "arctl.io") == []


def test_the_modules_of_io_do_not_import_each_other_in_a_circle():
    # the readers share their result types through io/frames.py, not through io/export.py, which calls them
    cycles = import_cycles(ARCTL_IMPORTS, "arctl.io")

    assert not cycles, "io/ modules import each other in a circle (function-level imports count):\n  " + "\n  ".join(
        " → ".join([cycle[0].module, *(imp.target for imp in cycle)]) + "\n    " + "\n    ".join(map(str, cycle))
        for cycle in cycles)


def test_the_engines_leave_the_garbage_collector_to_the_workflows():
    # gc.disable() changes the whole process: a pure engine must not; workflows/reconciling.py pauses it
    violations = [imp for imp in third_party("gc") if layer_of(imp.module).startswith("engine:")]

    assert not violations, report(violations, "engines do not import gc")
