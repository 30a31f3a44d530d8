"""Reading dunning plans: find a plan by path or by name, read it and every plan its segments name.

A name is looked up as NAME.yaml in the folder of the plan that names it (for a plan given by path), then
in the workspace's plans/, then among the plans shipped with arctl. Only YAML is read here; the schema and
every rule live in `arctl.dunning.plan`, which gets the parsed documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from arctl.errors import ConfigError
from arctl.io.yamlfile import load_located
from arctl.model import Located

_PACKAGE = Path(__file__).resolve().parents[1]
CONSUMER_RULES = _PACKAGE / "dunning" / "data" / "consumer_rules.yaml"
_SUFFIXES = (".yaml", ".yml")


def shipped_plans_dir() -> Path:
    """The plans shipped with arctl: inside the wheel (arctl/data/plans), else the source tree's plans/."""
    installed = _PACKAGE / "data" / "plans"
    return installed if installed.is_dir() else _PACKAGE.parents[1] / "plans"


def shipped_plan_names() -> list[str]:
    folder = shipped_plans_dir()
    return sorted(p.stem for p in folder.iterdir() if p.suffix in _SUFFIXES) if folder.is_dir() else []


@dataclass(frozen=True, slots=True)
class ReadPlan:
    key: str          # the file name without .yaml
    source: str       # the file as messages show it
    doc: Located


@dataclass(slots=True)
class PlanFiles:
    """The plan asked for (`root`) and the plans its segments lead to, as parsed YAML."""

    root: str
    plans: list[ReadPlan] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)  # name -> why the file is not valid YAML
    searched: tuple[str, ...] = ()                       # the folders names were looked up in


def looks_like_path(target: str) -> bool:
    return "/" in target or "\\" in target or target.endswith(_SUFFIXES)


def _shown(path: Path, cwd: Path) -> str:
    """A file named relative to the current folder when it lies below it, as a person would."""
    try:
        return str(path.resolve().relative_to(cwd.resolve()))
    except ValueError:
        return str(path)


def _find(name: str, folders: list[Path]) -> Path | None:
    for folder in folders:
        for suffix in _SUFFIXES:
            path = folder / f"{name}{suffix}"
            if path.is_file():
                return path
    return None


def read_plan_files(target: str, *, cwd: Path, workspace_plans: Path | None = None,
                    also: tuple[str, ...] = ()) -> PlanFiles:
    """Read the plan `target` (a path, or a name) and, following `segments[*].plan`, every plan it leads to,
    and the plans named in `also` (customers' own plans) with theirs.

    A target that cannot be found is a ConfigError; a segment naming a missing plan is left for the
    validation to report at its line; a missing plan of `also` is left out (the caller says so).
    """
    folders = [f for f in (workspace_plans, shipped_plans_dir()) if f is not None]
    if looks_like_path(target) or (cwd / target).is_file():
        path = Path(target) if Path(target).is_absolute() else cwd / target
        if not path.is_file():
            raise ConfigError(f"plan file {target}: no such file",
                              hint="give a plan file, or the name of a plan: " + ", ".join(shipped_plan_names()))
        folders.insert(0, path.parent)
        shown = target
    else:
        found = _find(target, folders)
        if found is None:
            raise ConfigError(f"no plan named {target!r}: no {target}.yaml in "
                              + " or ".join(_shown(f, cwd) for f in folders),
                              hint="shipped plans: " + ", ".join(shipped_plan_names())
                              + (" (or put your own in the workspace's plans/)" if workspace_plans else ""))
        path, shown = found, _shown(found, cwd)
    root = path.stem
    files = PlanFiles(root, searched=tuple(_shown(f, cwd) for f in folders))
    queue, seen = [(root, path, shown)], {root}
    for name in also:
        found = _find(name, folders) if name not in seen else None
        if found is not None:
            seen.add(name)
            queue.append((name, found, _shown(found, cwd)))
    while queue:
        key, path, shown = queue.pop(0)
        try:
            doc = load_located(path)
        except ConfigError as exc:
            files.unreadable[key] = _with_file(exc.message, path, shown)
            continue
        files.plans.append(ReadPlan(key, shown, doc))
        for name in _segment_targets(doc):
            if name in seen:
                continue
            seen.add(name)
            found = _find(name, folders)
            if found is not None:
                queue.append((name, found, _shown(found, cwd)))
    return files


def _with_file(message: str, path: Path, shown: str) -> str:
    """Name the file as the user sees it: `line 5: 'x' appears twice` -> `plans/x.yaml:5: 'x' appears twice`."""
    found = re.match(r"line (\d+): (.*)", message, re.DOTALL)
    if found:
        return f"{shown}:{found.group(1)}: {found.group(2)}"
    return message.replace(str(path), shown)


def _segment_targets(doc: Located) -> list[str]:
    """The plan names in `segments[*].plan`, read leniently (the validation reports what is malformed)."""
    top = doc.value if isinstance(doc.value, dict) else {}
    segments = top.get("segments")
    names = []
    for item in segments.value if segments is not None and isinstance(segments.value, list) else []:
        target = item.value.get("plan") if isinstance(item.value, dict) else None
        if target is not None and isinstance(target.value, str) and target.value.strip():
            names.append(re.sub(r"\.ya?ml$", "", target.value.strip()))
    return names


def read_consumer_rules() -> tuple[str, Located]:
    """The consumer-rule data file shipped inside the dunning package, and how to name it."""
    return str(CONSUMER_RULES), load_located(CONSUMER_RULES)
