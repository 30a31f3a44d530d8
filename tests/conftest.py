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
