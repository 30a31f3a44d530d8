"""arctl.yaml: `arctl init`, validation with the line of every problem, workspace discovery, column overrides."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.io.yamlfile import load_located, plain

INVOICE_HEADER = "Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due\n"
CUSTOMER_HEADER = "Customer ID,Name,Email\n"
FOLDERS = ("exports", "plans", "templates", "profiles", "outbox", "reports")


@pytest.fixture(autouse=True)
def no_ambient_workspace(monkeypatch):
    """Tests must not pick up a workspace from the developer's environment."""
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def workspace(tmp_path: Path, config: str) -> Path:
    """A workspace whose arctl.yaml is `config` and whose exports folder holds two valid, header-only files."""
    root = tmp_path / "ws"
    write(root / "exports" / "open_invoices.csv", INVOICE_HEADER)
    write(root / "exports" / "customers.csv", CUSTOMER_HEADER)
    write(root / "arctl.yaml", config)
    return root


def check_config(tmp_path: Path, config: str):
    return run("-w", str(workspace(tmp_path, config)), "check")


# --- arctl init ------------------------------------------------------------------------------------


def test_init_creates_the_config_and_the_workspace_folders(tmp_path):
    root = tmp_path / "bakkerij"

    result = run("init", str(root))

    assert result.exit_code == 0, result.output
    assert (root / "arctl.yaml").is_file()
    for folder in FOLDERS:
        assert (root / folder).is_dir(), folder


def test_init_refuses_to_overwrite_an_existing_config(tmp_path):
    root = tmp_path / "bakkerij"
    run("init", str(root))
    write(root / "arctl.yaml", "company:\n  name: Mine\n")

    result = run("init", str(root))

    assert result.exit_code == 2, result.output
    assert f"Error: {root / 'arctl.yaml'} already exists" in result.stderr
    assert "--force" in result.stderr
    assert (root / "arctl.yaml").read_text(encoding="utf-8") == "company:\n  name: Mine\n"


def test_init_with_force_overwrites_the_config(tmp_path):
    root = tmp_path / "bakkerij"
    fresh = tmp_path / "fresh"
    run("init", str(fresh))
    run("init", str(root))
    write(root / "arctl.yaml", "colour: red\n")

    result = run("init", "--force", str(root))

    assert result.exit_code == 0, result.output
    assert (root / "arctl.yaml").read_text(encoding="utf-8") == (fresh / "arctl.yaml").read_text(encoding="utf-8")


def test_the_config_written_by_init_is_commented(tmp_path):
    root = tmp_path / "bakkerij"
    run("init", str(root))

    lines = (root / "arctl.yaml").read_text(encoding="utf-8").splitlines()

    assert any(line.lstrip().startswith("#") for line in lines)


def test_the_config_written_by_init_passes_check_once_its_example_exports_exist(tmp_path):
    root = tmp_path / "bakkerij"
    run("init", str(root))
    write(root / "exports" / "open_invoices.csv", INVOICE_HEADER)
    write(root / "exports" / "customers.csv", CUSTOMER_HEADER)

    result = run("-w", str(root), "check")

    assert result.exit_code == 0, result.output


# --- validation: every problem with its line ------------------------------------------------------


def test_a_complete_valid_config_is_accepted(tmp_path):
    result = check_config(tmp_path, """\
        company:
          name: Bakkerij Peeters
          legal_form: BV
          enterprise_number: 0403.170.701
          vat_number: BE0403170701
          address:
            street: Kerkstraat 1
            postal_code: 1000
            city: Brussel
          country: BE
          iban: BE71 0961 2345 6769
          bic: GKCCBEBB
        locale: nl_BE
        currency: EUR
        timezone: Europe/Brussels
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            profile: generic
            snapshot: true
          - path: exports/customers.csv
            kind: customers
        """)

    assert result.exit_code == 0, result.output


def test_an_unknown_top_level_key_is_named_with_its_line(tmp_path):
    result = check_config(tmp_path, """\
        company:
          name: Bakkerij Peeters
        colour: red
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:3: colour: unknown key" in result.stderr


def test_an_unknown_key_under_company_is_named_with_its_key_path_and_line(tmp_path):
    result = check_config(tmp_path, """\
        company:
          name: Bakkerij Peeters
          colour: red
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:3: company.colour: unknown key" in result.stderr


def test_sources_given_as_a_mapping_instead_of_a_list_is_refused(tmp_path):
    result = check_config(tmp_path, """\
        sources:
          path: exports/open_invoices.csv
          kind: invoices
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:2: sources: expected a list of sources" in result.stderr


def test_a_missing_source_file_is_named_with_its_path_and_line(tmp_path):
    result = check_config(tmp_path, """\
        sources:
          - path: exports/open_invoices.csv
          - path: exports/openstaande_posten.csv
            kind: invoices
        """)

    assert result.exit_code == 2, result.output
    assert ("arctl.yaml:3: sources[1].path: file exports/openstaande_posten.csv does not exist"
            in result.stderr)


def test_an_invalid_iban_is_refused(tmp_path):
    result = check_config(tmp_path, """\
        company:
          name: Bakkerij Peeters
          iban: BE71 0961 2345 6768
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:3: company.iban: BE71096123456768 is not a valid IBAN" in result.stderr


def test_an_invalid_belgian_enterprise_number_is_refused(tmp_path):
    result = check_config(tmp_path, """\
        company:
          name: Bakkerij Peeters
          country: BE
          enterprise_number: 0123.456.789
        """)

    assert result.exit_code == 2, result.output
    assert ("arctl.yaml:4: company.enterprise_number: 0123.456.789 is not a valid Belgian enterprise number"
            in result.stderr)


def test_an_unknown_currency_is_refused(tmp_path):
    result = check_config(tmp_path, """\
        locale: nl_BE
        currency: EUX
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:2: currency: unknown currency 'EUX'" in result.stderr


def test_an_unknown_locale_is_refused(tmp_path):
    result = check_config(tmp_path, """\
        locale: nl_BX
        currency: EUR
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:1: locale: unknown locale 'nl_BX'" in result.stderr


def test_an_unknown_time_zone_is_refused(tmp_path):
    result = check_config(tmp_path, """\
        locale: nl_BE
        timezone: Europe/Brusels
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:2: timezone: unknown time zone 'Europe/Brusels'" in result.stderr


def test_a_snapshot_that_is_not_true_or_false_is_refused(tmp_path):
    result = check_config(tmp_path, """\
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: maybe
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:4: sources[0].snapshot: expected true or false, got 'maybe'" in result.stderr


def test_an_unknown_profile_name_is_refused(tmp_path):
    result = check_config(tmp_path, """\
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            profile: exact
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:4: sources[0].profile: unknown profile 'exact'" in result.stderr


def test_a_profile_of_the_wrong_kind_is_refused(tmp_path):
    result = check_config(tmp_path, """\
        sources:
          - path: exports/customers.csv
            kind: customers
            profile: generic
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:4: sources[0].profile: profile 'generic' reads invoices, not customers" in result.stderr


def test_a_column_override_naming_an_unknown_canonical_column_is_refused(tmp_path):
    result = check_config(tmp_path, """\
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            columns:
              invoice_nr: Doc nr
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:5: sources[0].columns.invoice_nr: unknown key" in result.stderr


def test_all_problems_of_the_config_are_listed_in_one_message(tmp_path):
    result = check_config(tmp_path, """\
        company:
          name: Bakkerij Peeters
        colour: red
        currency: EUX
        """)

    assert result.exit_code == 2, result.output
    assert result.stderr.count("Error:") == 1, result.stderr
    assert "2 problem(s)" in result.stderr
    assert "arctl.yaml:3: colour: unknown key" in result.stderr
    assert "arctl.yaml:4: currency: unknown currency 'EUX'" in result.stderr


# --- YAML values stay text --------------------------------------------------------------------------


def test_an_amount_in_yaml_stays_the_text_it_was_written_as(tmp_path):
    path = write(tmp_path / "settings.yaml", """\
        fee: 25.00
        """)

    fee = load_located(path).value["fee"]

    assert fee.value == "25.00"
    assert isinstance(fee.value, str)
    assert fee.line == 1


def test_a_postal_code_in_yaml_stays_text_with_its_leading_zero(tmp_path):
    path = write(tmp_path / "settings.yaml", """\
        company:
          address:
            postal_code: 1000
            old_postal_code: 0100
        """)

    assert plain(load_located(path)) == {"company": {"address": {"postal_code": "1000", "old_postal_code": "0100"}}}


# --- finding the workspace -------------------------------------------------------------------------


def test_a_workspace_option_pointing_at_a_folder_without_config_is_an_error_with_a_hint(tmp_path):
    folder = tmp_path / "not-a-workspace"
    folder.mkdir()

    result = run("-w", str(folder), "check")

    assert result.exit_code == 2, result.output
    assert f"Error: --workspace {folder}: no arctl.yaml there" in result.stderr
    assert "arctl init" in result.stderr


def test_the_arctl_workspace_variable_names_the_workspace(tmp_path, monkeypatch):
    root = workspace(tmp_path, """\
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
        """)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    result = run("check", "--json", env={"ARCTL_WORKSPACE": str(root)})

    assert result.exit_code == 0, result.output
    paths = [Path(entry["path"]) for entry in json.loads(result.stdout)["files"]]
    assert paths == [root.resolve() / "exports" / "open_invoices.csv"]


def test_the_nearest_folder_upwards_with_a_config_is_the_workspace(tmp_path, monkeypatch):
    root = workspace(tmp_path, """\
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
        """)
    subfolder = root / "exports" / "2026-11"
    subfolder.mkdir()
    monkeypatch.chdir(subfolder)

    result = run("check", "--json")

    assert result.exit_code == 0, result.output
    paths = [Path(entry["path"]).resolve() for entry in json.loads(result.stdout)["files"]]
    assert paths == [root.resolve() / "exports" / "open_invoices.csv"]


# --- column overrides --------------------------------------------------------------------------------


DOC_NR_EXPORT = """\
    Doc nr,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    F2026-001,C001,Bakkerij Peeters,2026-10-01,2026-10-31,EUR,1234.50,1234.50
    """


def test_a_column_override_reads_a_file_with_an_unusual_header(tmp_path):
    root = workspace(tmp_path, """\
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            columns:
              invoice_id: Doc nr
        """)
    write(root / "exports" / "open_invoices.csv", DOC_NR_EXPORT)

    result = run("-w", str(root), "check", "--json")

    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["columns"]["invoice_id"] == "Doc nr"
    assert entry["valid_rows"] == 1


def test_a_column_override_naming_a_header_not_in_the_file_lists_the_headers(tmp_path):
    root = workspace(tmp_path, """\
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            columns:
              invoice_id: Doc number
        """)
    write(root / "exports" / "open_invoices.csv", DOC_NR_EXPORT)

    result = run("-w", str(root), "check")

    assert result.exit_code == 3, result.output
    assert "column 'Doc number' named in the column mapping is not in the file" in result.stderr
    assert ("the header row (line 1) has: Doc nr, Customer ID, Customer, Invoice Date, Due Date, Currency, "
            "Amount, Amount Due") in result.stderr


def test_the_law_readings_default_to_the_ones_that_claim_less():
    from arctl.config import Config

    assert Config().law.day_count == "actual/actual"
    assert Config().law.be_consumer_interest_from == "waiting_period_end"


def test_a_law_reading_that_is_not_one_of_its_choices_is_named_with_its_line(tmp_path):
    result = check_config(tmp_path, """\
        company:
          name: Bakkerij Peeters
        law:
          day_count: actual/actual
          be_consumer_interest_from: invoice_date
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:5: law.be_consumer_interest_from: expected waiting_period_end or due_date, got " \
           "'invoice_date'" in result.stderr


def test_the_law_readings_are_read_from_arctl_yaml(tmp_path):
    from arctl.config import parse_config

    doc = load_located(write(tmp_path / "arctl.yaml", """\
        law:
          day_count: actual/365
          be_consumer_interest_from: due_date
        """))
    config = parse_config(doc, tmp_path / "arctl.yaml", tmp_path, profile_kind=lambda n: n)

    assert (config.law.day_count, config.law.be_consumer_interest_from) == ("actual/365", "due_date")


def test_the_company_contact_settings_are_read(tmp_path):
    from arctl.workflows.workspace import load_workspace

    root = workspace(tmp_path, """\
        company:
          name: Voorbeeld
          legal_form: BV
          email: debiteuren@voorbeeld.example
          phone: +32 2 555 00 00
          signature: An Peeters, kredietbeheer
          logo: templates/logo.png
        """)

    loaded = load_workspace(root, root, None)
    assert loaded is not None
    company = loaded.config.company

    assert (company.email, company.phone, company.signature, company.logo, company.logo_line) == (
        "debiteuren@voorbeeld.example", "+32 2 555 00 00", "An Peeters, kredietbeheer", "templates/logo.png", 7)


def test_a_company_email_that_is_not_one_address_is_refused_with_its_line(tmp_path):
    result = check_config(tmp_path, """\
        company:
          name: Voorbeeld
          email: debiteuren@voorbeeld.example, boekhouding@voorbeeld.example
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:3: company.email: 'debiteuren@voorbeeld.example, boekhouding@voorbeeld.example' is not one " \
           "e-mail address" in result.stderr


def test_a_logo_that_is_not_an_image_is_refused_with_its_line(tmp_path):
    result = check_config(tmp_path, """\
        company:
          name: Voorbeeld
          logo: letterhead.docx
        """)

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:3: company.logo: 'letterhead.docx' is not an image file" in result.stderr
