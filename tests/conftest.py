"""Shared test helpers: where the real-world fixtures live, and skipping (or failing) cleanly without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# No wall-clock limits in tests (timing belongs to benchmarks/): hypothesis' default 200 ms deadline per example
# fails a correct test on a busy machine. In CI (ARCTL_REQUIRE_REAL_FIXTURES=1, set by .ci/run) the examples are
# derived from each test, so a landing never depends on the draw; runs on a developer's machine keep exploring
# new examples (and print the one that failed, to be added as an explicit test).
settings.register_profile("arctl", deadline=None)
settings.register_profile("arctl-ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("arctl-ci" if os.environ.get("ARCTL_REQUIRE_REAL_FIXTURES") == "1" else "arctl")


@pytest.fixture(autouse=True, scope="session")
def _command_built_once():
    """typer's CliRunner builds the Click command from the Typer app at every invoke (reading every command's
    signature and type hints: about 20 ms, thousands of times in the suite); the app does not change while the
    tests run, so it is built once per app."""
    import functools

    import typer.main
    import typer.testing

    built = functools.lru_cache(maxsize=None)(typer.main.get_command)
    original, typer.testing._get_command = typer.testing._get_command, built
    yield
    typer.testing._get_command = original


REPO = Path(__file__).resolve().parents[1]
DEFAULT_REAL_FIXTURES = REPO.parent / "shared" / "fixtures" / "real"
REAL_FIXTURES_ENV = "ARCTL_REAL_FIXTURES"  # a path to the folder, instead of ../shared/fixtures/real/
REQUIRE_REAL_FIXTURES_ENV = "ARCTL_REQUIRE_REAL_FIXTURES"  # "1": a missing folder or file fails instead of skipping


def real_fixtures_root() -> Path:
    """The folder of real fixtures: $ARCTL_REAL_FIXTURES when set, else ../shared/fixtures/real beside the repo."""
    configured = os.environ.get(REAL_FIXTURES_ENV, "").strip()
    return Path(configured).expanduser() if configured else DEFAULT_REAL_FIXTURES


def real_fixture_path(relative: str) -> Path:
    """The real fixture file `relative`, read in place. When the folder or the file is missing, the test is
    skipped with the reason, or failed with the same reason when ARCTL_REQUIRE_REAL_FIXTURES=1 (CI)."""
    root = real_fixtures_root()
    path = root / relative
    if path.exists():
        return path
    missing = root if not root.is_dir() else path
    where = (f"{REAL_FIXTURES_ENV} points to {root}" if os.environ.get(REAL_FIXTURES_ENV, "").strip() else
             f"set {REAL_FIXTURES_ENV} to their folder, or put the folder at ../shared/fixtures/real/ beside the "
             "repository")
    reason = (f"real fixtures not available: {missing} is missing ({where}; they live outside this repository "
              "for licence reasons)")
    if os.environ.get(REQUIRE_REAL_FIXTURES_ENV) == "1":
        pytest.fail(f"{reason}; {REQUIRE_REAL_FIXTURES_ENV}=1 makes this a failure", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def real_fixture():
    """Path to a file under the real fixtures folder (see real_fixture_path), read in place."""
    return real_fixture_path


@pytest.fixture
def imported_workspace(tmp_path, monkeypatch):
    """A workspace whose one source is the given open-items CSV (a complete snapshot), imported as of
    2026-11-20, with the current folder set to it: `imported_workspace(INVOICES)` returns its root."""
    import textwrap

    from typer.testing import CliRunner

    from arctl.cli import app
    from arctl.config import CONFIG_NAME

    def make(invoices_csv: str):
        (tmp_path / "exports").mkdir()
        (tmp_path / "exports" / "open_invoices.csv").write_text(textwrap.dedent(invoices_csv), encoding="utf-8")
        (tmp_path / CONFIG_NAME).write_text(textwrap.dedent("""\
            company: {name: Voorbeeld, country: BE}
            sources:
              - path: exports/open_invoices.csv
                kind: invoices
                snapshot: true
            """), encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
        result = CliRunner().invoke(app, ["import", "--as-of", "2026-11-20"])
        assert result.exit_code == 0, result.output
        return tmp_path

    return make


@pytest.fixture
def invoices_and_customers_workspace(tmp_path, monkeypatch):
    """A Belgian company's workspace with an open-items CSV and a customer CSV as its sources, imported as of
    `as_of`, with the current folder set to it. `files` adds more files (relative path -> text) and `config`
    more lines of arctl.yaml. Returns its root."""
    import textwrap

    from typer.testing import CliRunner

    from arctl.cli import app
    from arctl.config import CONFIG_NAME

    def make(invoices_csv: str, customers_csv: str, *, as_of: str, config: str = "",
             files: dict[str, str] | None = None):
        written = {"exports/open_invoices.csv": invoices_csv, "exports/customers.csv": customers_csv, **(files or {})}
        for relative, content in written.items():
            (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / relative).write_text(textwrap.dedent(content), encoding="utf-8")
        (tmp_path / CONFIG_NAME).write_text(textwrap.dedent("""\
            company: {name: Voorbeeld, legal_form: BV, country: BE, iban: BE05068123456775, bic: GKCCBEBB}
            sources:
              - path: exports/open_invoices.csv
                kind: invoices
              - path: exports/customers.csv
                kind: customers
            """) + textwrap.dedent(config), encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
        result = CliRunner().invoke(app, ["import", "--as-of", as_of])
        assert result.exit_code == 0, result.output
        return tmp_path

    return make


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files from the current output (review the diff before committing)")
    parser.addoption("--state-backend", choices=("sqlite", "postgresql"), default="sqlite",
                     help="where the state suite (tests marked `state`) keeps each workspace's state: SQLite files "
                          "(the default), or a schema per test in a PostgreSQL database (make test-postgres)")


# Tests that need programs from the system rather than from pip: each carries a marker, and on a machine
# without the program it is skipped with the reason and how to install it; ARCTL_REQUIRE_SYSTEM=1 (set by
# .ci/run, which installs them) makes each of those skips a failure.
REQUIRE_SYSTEM_ENV = "ARCTL_REQUIRE_SYSTEM"


def _pdf_problem() -> str | None:
    from arctl.render.pdf import unavailable

    return unavailable()


def _chromium_problem() -> str | None:
    if chromium_command() is None:
        return "Chromium is not installed (Debian: apt-get install chromium)"
    return None


def _poppler_problem() -> str | None:
    import shutil

    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        return "pdftoppm/pdftotext are not installed (Debian: apt-get install poppler-utils)"
    return None


def pdf_page_png(data: bytes, page: int = 1, dpi: int = 200) -> bytes:
    """A page of a PDF as PNG (pdftoppm, poppler-utils), e.g. to decode the QR code a letter prints."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", str(dpi), "-f", str(page), "-l", str(page), "-",
                        str(Path(folder) / "page")], input=data, capture_output=True, check=True, timeout=60)
        return (Path(folder) / "page.png").read_bytes()


def chromium_command() -> str | None:
    import shutil

    return next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)


SYSTEM_NEEDS = {"requires_pdf": _pdf_problem, "requires_chromium": _chromium_problem,
                "requires_poppler": _poppler_problem}


def pytest_configure(config):
    config.addinivalue_line("markers", "requires_pdf: needs WeasyPrint (pip extra `pdf`) and Pango (libpango-1.0-0)")
    config.addinivalue_line("markers", "requires_chromium: needs Debian's chromium for headless screenshots")
    config.addinivalue_line("markers", "requires_poppler: needs poppler-utils (pdftoppm, pdftotext)")
    config.addinivalue_line("markers", "state: the state suite, run on SQLite and (make test-postgres) on "
                                       "PostgreSQL: every workspace without a state.url gets the backend's")
    config.addinivalue_line("markers", "sqlite_only(reason): a state-suite test about SQLite itself (its file, "
                                       "its pragmas); not run on PostgreSQL")


def require_system(problem: str | None) -> None:
    """Skip the running test for `problem` (what the system lacks), or fail it under ARCTL_REQUIRE_SYSTEM=1."""
    if problem is None:
        return
    if os.environ.get(REQUIRE_SYSTEM_ENV) == "1":
        pytest.fail(f"{problem}; {REQUIRE_SYSTEM_ENV}=1 makes this a failure", pytrace=False)
    pytest.skip(problem)


def pytest_runtest_setup(item):
    for name, problem in SYSTEM_NEEDS.items():
        if item.get_closest_marker(name) is not None:
            require_system(problem())


# --- the state's back ends -------------------------------------------------------------------------------------

def state_backend(request) -> str:
    return request.config.getoption("--state-backend")


@pytest.fixture(scope="session")
def postgres_database():
    """The URL of a PostgreSQL database of this test session's own (tests/postgres_server.py); the test is skipped
    (failed under ARCTL_REQUIRE_SYSTEM=1) where no server can be had."""
    import postgres_server

    require_system(postgres_server.unavailable())
    with postgres_server.server() as admin, postgres_server.session_database(admin) as database:
        yield database


@pytest.fixture
def new_state_url(request, tmp_path):
    """`new_state_url("bulk")`: the URL of a new, empty state on the session's back end (--state-backend)."""
    def make(name: str = "state") -> str:
        if state_backend(request) == "postgresql":
            return _new_postgres_state(request.getfixturevalue("postgres_database"))
        return f"sqlite:///{tmp_path / f'{name}.sqlite'}"

    return make


def _new_postgres_state(database: str) -> str:
    """A state URL on PostgreSQL of its own: a new schema first on the search path."""
    import uuid

    import postgres_server

    schema = f"t_{uuid.uuid4().hex[:16]}"
    postgres_server.create_schema(database, schema)
    return postgres_server.schema_url(database, schema)


@pytest.fixture
def postgres_url(postgres_database):
    """A state URL on PostgreSQL for this test alone."""
    return _new_postgres_state(postgres_database)


@pytest.fixture(scope="module")
def module_state_url(request):
    """For a module-scoped workspace of the state suite: the state.url its arctl.yaml should name on this back end
    (None: the default SQLite file in its .arctl/)."""
    if state_backend(request) != "postgresql":
        return None
    return _new_postgres_state(request.getfixturevalue("postgres_database"))


@pytest.fixture(autouse=True)
def _workspace_state_on_backend(request):
    """Under --state-backend postgresql, every workspace a `state` test opens keeps its state in PostgreSQL, as
    `state.url: postgresql://...` in its arctl.yaml would: a schema of its own per workspace folder."""
    if state_backend(request) != "postgresql" or request.node.get_closest_marker("state") is None:
        yield
        return
    if (marker := request.node.get_closest_marker("sqlite_only")) is not None:
        pytest.skip(f"about SQLite itself: {marker.args[0] if marker.args else ''}")
    import dataclasses
    import hashlib
    import uuid

    import arctl.config
    import postgres_server

    database = request.getfixturevalue("postgres_database")
    original = arctl.config.parse_config
    test = f"{request.node.nodeid}:{uuid.uuid4().hex}"

    def on_postgres(document, path, root, **kwargs):
        config = original(document, path, root, **kwargs)
        if config.state_url:
            return config
        # named after the test and the folder, so that a child process of the test (arctl run --jobs) finds it too
        schema = "w_" + hashlib.sha256(f"{test}:{Path(root).resolve()}".encode()).hexdigest()[:20]
        return dataclasses.replace(config, state_url=postgres_server.ensure_schema(database, schema))

    with pytest.MonkeyPatch.context() as patch:  # its own: a test's monkeypatch.undo() leaves it in place
        patch.setattr(arctl.config, "parse_config", on_postgres)
        yield
