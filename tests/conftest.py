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
