"""A PostgreSQL server for the tests: the one $ARCTL_TEST_POSTGRES_URL names, or a throwaway cluster.

The throwaway cluster is made with the server's own programs (`initdb` and `pg_ctl`, from Debian's `postgresql`
package: /usr/lib/postgresql/<version>/bin) in a temporary folder, listening on a free local port with trust
authentication, fsync off, and removed afterwards. PostgreSQL refuses to run as root, so under root (as in CI)
the programs run as the `postgres` user the Debian package creates.

Each test session (each xdist worker) gets a database of its own, dropped at the end; each test a schema of its
own in it (`?options=-csearch_path=...` in the URL), so that tests share nothing."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

URL_ENV = "ARCTL_TEST_POSTGRES_URL"  # an existing server's URL, with a role that may create databases


def server_programs() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's newest /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return versions[-1].parent if versions else None


def unavailable() -> str | None:
    """Why no PostgreSQL server can be had here, or None."""
    if os.environ.get(URL_ENV, "").strip():
        return None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'arctl[postgresql]')"
    if server_programs() is None:
        return f"PostgreSQL is not installed (Debian: apt-get install postgresql), and {URL_ENV} is not set"
    if os.geteuid() == 0 and _postgres_user() is None:
        return "running as root, and there is no `postgres` user to run the server as"
    return None


def _postgres_user() -> str | None:
    import pwd

    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError:
        return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a cluster; yield the URL of its `postgres` database as superuser `postgres`; stop and remove it."""
    programs = server_programs()
    assert programs is not None, unavailable()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="arctl-pg-"))
    if as_postgres:
        shutil.chown(folder, user="postgres")
    data, port = folder / "data", _free_port()
    try:
        subprocess.run([*as_postgres, str(programs / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
                       check=True, capture_output=True, timeout=120)
        options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200")
        subprocess.run([*as_postgres, str(programs / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                        str(folder / "server.log"), "-w", "-t", "60", "start"],
                       check=True, capture_output=True, timeout=120)
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([*as_postgres, str(programs / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                            "stop"], capture_output=True, timeout=120)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def server() -> Iterator[str]:
    """An administrative URL: $ARCTL_TEST_POSTGRES_URL, or a throwaway cluster's."""
    configured = os.environ.get(URL_ENV, "").strip()
    if configured:
        yield configured
        return
    with throwaway_cluster() as url:
        yield url


def _with_database(url: str, database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql+psycopg", database=database).render_as_string(
        hide_password=False)


@contextmanager
def session_database(admin_url: str) -> Iterator[str]:
    """A new database for one test session; dropped afterwards (with whatever connections are left)."""
    import psycopg

    name = f"arctl_test_{uuid.uuid4().hex[:12]}"
    plain = _with_database(admin_url, "postgres").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(admin_url, name)
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def schema_url(database_url: str, schema: str) -> str:
    """The database URL with `schema` first on the search path (the schema must exist)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def create_schema(database_url: str, schema: str) -> None:
    import psycopg

    plain = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')


def ensure_schema(database_url: str, schema: str) -> str:
    """The URL of `schema` in the database, created if it is not there yet."""
    import psycopg

    plain = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    return schema_url(database_url, schema)
