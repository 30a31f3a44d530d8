"""The workspace: create it, find it, and reach its state (the store, the lock held while writing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from arctl.config import Workspace
from arctl.errors import UsageError

if TYPE_CHECKING:
    from arctl.state.lock import WorkspaceLock


# the folders the arctl.yaml of `arctl init` watches: an export dropped in one is imported by the next `arctl import`
WATCHED_FOLDERS = ("exports/invoices", "exports/customers", "exports/bank")


def init_workspace(target: Path, *, force: bool = False) -> list[Path]:
    """Create a workspace: arctl.yaml with commented defaults and the folders it names."""
    from arctl.config import CONFIG_NAME, default_config_text

    config = target / CONFIG_NAME
    if config.exists() and not force:
        raise UsageError(f"{config} already exists", hint="use another folder, or --force to overwrite it")
    created = []
    for folder in ("exports", *WATCHED_FOLDERS, "plans", "templates", "profiles", "outbox", "reports"):
        path = target / folder
        if not path.exists():
            path.mkdir(parents=True)
            created.append(path)
    config.write_text(default_config_text(), encoding="utf-8")
    created.append(config)
    return created


def load_workspace(explicit: Path | None, cwd: Path, env: str | None) -> Workspace | None:
    """The workspace named by --workspace, ARCTL_WORKSPACE or found upwards from cwd, validated; or None."""
    from arctl.config import CONFIG_NAME, parse_config
    from arctl.io.profile import profile_kind
    from arctl.io.workspace import find_workspace
    from arctl.io.yamlfile import load_located

    root = find_workspace(explicit, cwd, env, CONFIG_NAME)
    if root is None:
        return None
    path = root / CONFIG_NAME
    config = parse_config(load_located(path), path, root,
                          profile_kind=lambda name: profile_kind(name, (root / "profiles",)))
    return Workspace(root, path, config)


def state_dir(workspace: Workspace) -> Path:
    return workspace.root / ".arctl"


def utc_now() -> dt.datetime:
    """The clock the state's timestamps come from (created_at, imported_at ...)."""
    return dt.datetime.now(dt.UTC)


def open_store(workspace: Workspace, *, now: Callable[[], dt.datetime] = utc_now):
    from arctl.state.opening import check_state_folder
    from arctl.state.store import Store, sqlite_url

    folder = state_dir(workspace)
    check_state_folder(folder)
    folder.mkdir(exist_ok=True)
    return Store.open(workspace.config.state_url or sqlite_url(folder / "state.sqlite"), now=now)


def workspace_lock(workspace: Workspace, command: str) -> WorkspaceLock:
    """The workspace's lock, held by `arctl COMMAND` from now on."""
    from arctl.state.lock import WorkspaceLock
    from arctl.state.opening import check_state_folder

    check_state_folder(state_dir(workspace))
    return WorkspaceLock(state_dir(workspace), command=f"arctl {command}", now=utc_now,
                         state_url=workspace.config.state_url)


@contextmanager
def writing(workspace: Workspace | None, command: str):
    if workspace is None:
        raise UsageError(f"arctl {command} needs a workspace", hint="run it inside one, or use -w DIR")
    with workspace_lock(workspace, command):
        store = open_store(workspace)
        try:
            yield store
        finally:
            store.close()


def near(path: Path) -> Path:
    """A workspace file named relative to the current folder when it lies below it, as a person would."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def workspace_key(path: Path, workspace: Workspace) -> str:
    """How the state names a file: relative to the workspace root (the same from any folder)."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(workspace.root.resolve()).as_posix()
    except ValueError:
        return str(resolved)
