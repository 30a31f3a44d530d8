"""Shared test helpers: where the real-world fixtures live, and skipping cleanly without them."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL_FIXTURES = REPO.parent / "shared" / "fixtures" / "real"


@pytest.fixture
def real_fixture():
    """Path to a file under ../shared/fixtures/real/, read in place; skips when the folder is absent."""

    def locate(relative: str) -> Path:
        path = REAL_FIXTURES / relative
        if not path.exists():
            pytest.skip(f"real fixtures not available: {path} is missing (they live in ../shared/fixtures/real/, "
                        "outside this repository, for licence reasons)")
        return path

    return locate


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
