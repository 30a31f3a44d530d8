"""`arctl state migrate --to URL`: the workspace's state copied into a new database, verified table by table."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

from arctl.errors import UsageError
from arctl.workflows.workspace import Workspace, open_store, workspace_lock


@dataclass(frozen=True, slots=True)
class StateMigration:
    source: str
    target: str
    tables: list  # state.copying.TableCopy, in the order copied


def migrate_state(workspace: Workspace | None, to_url: str) -> StateMigration:
    """Copy the workspace's state (brought up to this version first) into the empty database at `to_url`."""
    from arctl.config import state_url_problem
    from arctl.state.advisory import ServerLock, takes_server_lock
    from arctl.state.copying import copy_state, same_database, shown_url

    if workspace is None:
        raise UsageError("arctl state migrate needs a workspace", hint="run it inside one, or use -w DIR")
    if problem := state_url_problem(to_url):
        raise UsageError(f"--to: {problem}")
    with workspace_lock(workspace, "state migrate"):
        store = open_store(workspace)
        try:
            source = store.engine.url
            if same_database(source, to_url):
                raise UsageError("--to names the database the workspace already uses",
                                 hint="name the new, empty database to copy the state into")
            target_lock = (ServerLock(to_url, command="arctl state migrate") if takes_server_lock(to_url)
                           else nullcontext())
            with target_lock, store.engine.connect() as connection:
                tables = copy_state(connection, to_url)
        finally:
            store.close()
    return StateMigration(shown_url(source), shown_url(to_url), tables)
