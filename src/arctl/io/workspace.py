"""Finding the workspace folder on disk."""

from __future__ import annotations

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
