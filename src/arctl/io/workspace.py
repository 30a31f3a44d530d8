"""Finding the workspace folder on disk, and the files its sources stand for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from arctl.errors import ConfigError


def find_workspace(explicit: Path | None, cwd: Path, env: str | None, config_name: str) -> Path | None:
    """--workspace, else ARCTL_WORKSPACE, else the nearest folder upwards holding the config file."""
    for given, origin in ((explicit, "--workspace"), (Path(env) if env else None, "ARCTL_WORKSPACE")):
        if given is not None:
            if not (given / config_name).is_file():
                raise ConfigError(f"{origin} {given}: no {config_name} there",
                                  hint="create a workspace with `arctl init DIR`")
            return given.resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / config_name).is_file():
            return folder
    return None


@dataclass(frozen=True, slots=True)
class SourceFiles:
    """What one source of arctl.yaml stands for on disk now."""

    watched: bool                # a folder or a glob: files come and go, each is imported once
    files: tuple[Path, ...]      # in name order


_GLOB = re.compile(r"[*?\[]")
# left alone in a watched folder: hidden files, Office's lock files and downloads still running
_NOT_AN_EXPORT = re.compile(r"^(?:\.|~\$)|\.(?:part|partial|crdownload|download|tmp)$", re.IGNORECASE)


def source_files(root: Path, written: str, where: str) -> SourceFiles:
    """The files of a source written as `written` in arctl.yaml (relative to `root` unless absolute): one file,
    every file in a folder (`exports/bank/` or `exports/bank`, not its subfolders), or every file a glob
    matches (`exports/bank/*.xml`, `exports/**/*.csv`). `where` names the source in the error (ConfigError)
    when the file, or the folder a glob looks in, is not there; an empty folder is no error."""
    given = Path(written)
    base = given if given.is_absolute() else root / given
    if _GLOB.search(written):
        parts = given.parts
        fixed = next(i for i, part in enumerate(parts) if _GLOB.search(part))
        folder = (Path(*parts[:fixed]) if fixed else Path("."))
        folder = folder if folder.is_absolute() else root / folder
        if not folder.is_dir():
            raise ConfigError(f"{where}: folder {_shown(folder, root)} does not exist (relative to {root})",
                              hint="create the folder, or correct the path in arctl.yaml")
        pattern = "/".join(parts[fixed:])
        return SourceFiles(True, tuple(sorted(p for p in folder.glob(pattern) if _export(p))))
    if base.is_dir():
        return SourceFiles(True, tuple(sorted(p for p in base.iterdir() if _export(p))))
    if written.endswith(("/", "\\")):
        raise ConfigError(f"{where}: folder {written} does not exist (relative to {root})",
                          hint="create the folder (`arctl init` makes exports/invoices/, exports/customers/ and "
                               "exports/bank/), or correct the path in arctl.yaml")
    if not base.is_file():
        raise ConfigError(f"{where}: file {written} does not exist (relative to {root})",
                          hint="put the export there, name a folder to watch instead (exports/bank/), or correct "
                               "the path in arctl.yaml")
    return SourceFiles(False, (base,))


def _export(path: Path) -> bool:
    return path.is_file() and not _NOT_AN_EXPORT.search(path.name)


def _shown(folder: Path, root: Path) -> str:
    try:
        return folder.relative_to(root).as_posix() + "/"
    except ValueError:
        return str(folder)
