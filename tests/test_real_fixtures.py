"""Where the real fixtures are found, and that a missing one skips a test, or fails it when CI requires them."""

from __future__ import annotations

import pytest

from conftest import DEFAULT_REAL_FIXTURES, real_fixture_path


@pytest.fixture
def fixtures(tmp_path, monkeypatch):
    """A real-fixtures folder in tmp_path holding one file, chosen through ARCTL_REAL_FIXTURES."""
    (tmp_path / "mt940").mkdir()
    (tmp_path / "mt940" / "sample.sta").write_text(":20:STARTUMS\n", encoding="utf-8")
    monkeypatch.setenv("ARCTL_REAL_FIXTURES", str(tmp_path))
    monkeypatch.delenv("ARCTL_REQUIRE_REAL_FIXTURES", raising=False)
    return tmp_path


def test_the_environment_variable_chooses_the_folder(fixtures):
    assert real_fixture_path("mt940/sample.sta") == fixtures / "mt940" / "sample.sta"


def test_without_the_environment_variable_the_folder_is_shared_fixtures_real_beside_the_repository(monkeypatch):
    monkeypatch.delenv("ARCTL_REAL_FIXTURES", raising=False)
    monkeypatch.delenv("ARCTL_REQUIRE_REAL_FIXTURES", raising=False)

    try:
        path = real_fixture_path("SOURCES.md")
    except pytest.skip.Exception as skipped:
        assert str(DEFAULT_REAL_FIXTURES) in str(skipped)
    else:
        assert path == DEFAULT_REAL_FIXTURES / "SOURCES.md"


def test_a_missing_file_skips_with_its_path(fixtures):
    with pytest.raises(pytest.skip.Exception) as skipped:
        real_fixture_path("mt940/absent.sta")

    assert str(skipped.value) == (
        f"real fixtures not available: {fixtures / 'mt940' / 'absent.sta'} is missing (ARCTL_REAL_FIXTURES points "
        f"to {fixtures}; they live outside this repository for licence reasons)")


def test_a_missing_folder_skips_naming_the_folder(fixtures, monkeypatch):
    monkeypatch.setenv("ARCTL_REAL_FIXTURES", str(fixtures / "elsewhere"))

    with pytest.raises(pytest.skip.Exception, match="elsewhere is missing"):
        real_fixture_path("mt940/sample.sta")


@pytest.mark.parametrize("folder", ["", "elsewhere"], ids=["missing file", "missing folder"])
def test_a_missing_fixture_fails_with_the_same_reason_when_they_are_required(fixtures, monkeypatch, folder):
    monkeypatch.setenv("ARCTL_REAL_FIXTURES", str(fixtures / folder))
    with pytest.raises(pytest.skip.Exception) as skipped:
        real_fixture_path("mt940/absent.sta")
    monkeypatch.setenv("ARCTL_REQUIRE_REAL_FIXTURES", "1")

    with pytest.raises(pytest.fail.Exception) as failed:
        real_fixture_path("mt940/absent.sta")

    assert str(failed.value) == f"{skipped.value}; ARCTL_REQUIRE_REAL_FIXTURES=1 makes this a failure"


def test_only_the_value_1_requires_them(fixtures, monkeypatch):
    monkeypatch.setenv("ARCTL_REQUIRE_REAL_FIXTURES", "0")

    with pytest.raises(pytest.skip.Exception):
        real_fixture_path("mt940/absent.sta")
