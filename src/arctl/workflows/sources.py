"""The files each source of arctl.yaml stands for now: one file, or what lies in a watched folder or glob."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from arctl.config import Source, Workspace
from arctl.errors import ConfigError
from arctl.io.workspace import SourceFiles, source_files
from arctl.workflows.workspace import near, workspace_key


@dataclass(frozen=True, slots=True)
class Resolved:
    source: Source
    found: SourceFiles

    @property
    def watched(self) -> bool:
        return self.found.watched


def resolve_sources(workspace: Workspace, kinds: tuple[str, ...] | None = None) -> list[Resolved]:
    """Every source (of `kinds`) with its files; every source whose file or folder is missing is named in one
    ConfigError. Only the commands that read the sources ask, so a source not there yet stops nothing else."""
    resolved, problems = [], []
    for source in workspace.config.sources:
        if kinds is not None and source.kind not in kinds:
            continue
        try:
            resolved.append(Resolved(source, source_files(workspace.root, source.written or str(source.path),
                                                          source.where)))
        except ConfigError as error:
            problems.append(error)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ConfigError(f"{workspace.config_path}: {len(problems)} source(s) not there:\n  "
                          + "\n  ".join(p.message for p in problems),
                          hint="put the exports there, or correct the paths in arctl.yaml")
    return resolved


def source_key(resolved: Resolved, workspace: Workspace) -> str:
    """How the state names a watched source as a whole: its folder relative to the workspace ending in '/', or
    its glob as written; a single file is named by itself."""
    written = resolved.source.written
    if not resolved.watched:
        return workspace_key(resolved.source.path, workspace)
    if any(mark in written for mark in "*?["):
        return written
    return workspace_key(resolved.source.path, workspace).rstrip("/") + "/"


def file_time(path: Path) -> str:
    """When an export was made, as far as arctl can tell: its file time (UTC ISO)."""
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")


def newest(files: tuple[Path, ...] | list[Path]) -> Path:
    return max(files, key=lambda path: (file_time(path), path.name))


def files_to_read(workspace: Workspace, kinds: tuple[str, ...] | None = None) -> list[tuple[Source, Path]]:
    """What `check` and `aging` read of the sources: a file; the newest export of a watched snapshot source (a
    complete list of open items: the older ones are history); every file of another watched source."""
    jobs: list[tuple[Source, Path]] = []
    for resolved in resolve_sources(workspace, kinds):
        files = list(resolved.found.files)
        if resolved.watched and resolved.source.snapshot and files:
            files = [newest(files)]
        jobs.extend((resolved.source, near(path)) for path in files)
    return jobs


def empty_sources(workspace: Workspace, kinds: tuple[str, ...] | None = None) -> list[str]:
    """The watched sources with no file in them yet, as written in arctl.yaml."""
    return [r.source.written for r in resolve_sources(workspace, kinds) if r.watched and not r.found.files]
