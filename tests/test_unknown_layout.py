"""An export whose layout no profile reads: `check` lists the headers found, the canonical columns still missing
and a `columns:` block that, pasted into arctl.yaml, makes the file import."""

from __future__ import annotations

import json
import re
import textwrap

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME

pytestmark = pytest.mark.state

# A receivables list from an accounting package arctl has no profile for: every header differs from the names
# the profiles know, but says what it holds in plain words.
MYSTERY = """\
    Doc Ref,Debtor Code,Debtor,Doc Date,Pay By,Gross,Outstanding,Notes
    D-1001,C-01,Harbour Cafe,01/10/2026,31/10/2026,"1,210.00",610.00,
    D-1002,C-02,Lakeside Dental,05/10/2026,04/11/2026,363.00,363.00,second reminder
    D-1003,C-01,Harbour Cafe,20/10/2026,19/11/2026,96.80,96.80,
    """

BLOCK = """\
  - path: "exports/mystery.csv"
    kind: invoices
    columns:
      invoice_id: "Doc Ref"  # guessed from the header
      customer_id: "Debtor Code"  # guessed from the header
      customer_name: "Debtor"  # guessed from the header
      issue_date: "Doc Date"  # guessed from the header
      due_date: "Pay By"  # guessed from the header
      amount: "Gross"  # guessed from the header
      open_amount: "Outstanding"
      # not found (optional): currency, reference, status
"""


@pytest.fixture()
def workspace(tmp_path, monkeypatch):
    (tmp_path / "exports").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    return tmp_path


def write(root, text, name="exports/mystery.csv"):
    path = root / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def check(*args):
    result = CliRunner().invoke(app, ["check", *args])
    assert "Traceback" not in result.output
    return result


def test_check_lists_the_headers_the_missing_columns_and_a_block_to_paste(workspace):
    write(workspace, MYSTERY)

    result = check("exports/mystery.csv")

    assert result.exit_code == 3, result.output
    assert result.stdout.startswith(
        "exports/mystery.csv: no profile reads this layout; read as invoices\n"
        "  headers found: Doc Ref, Debtor Code, Debtor, Doc Date, Pay By, Gross, Outstanding, Notes\n"
        "  canonical columns not found by name: invoice_id (required), customer_id, customer_name, issue_date, "
        "due_date (required), currency, amount, reference, status\n")
    assert "  still missing: nothing required (check the guesses)\n" in result.stdout
    assert result.stdout.endswith("\n" + BLOCK + "\n")
    assert result.stderr.splitlines()[0].startswith("Error: exports/mystery.csv: required column missing: "
                                                    "invoice number")


def test_the_pasted_block_makes_check_and_import_succeed(workspace):
    write(workspace, MYSTERY)
    block = check("exports/mystery.csv").stdout.split("arctl.yaml:\n\n", 1)[1].rstrip("\n") + "\n"
    (workspace / CONFIG_NAME).write_text("company: {name: Voorbeeld, country: BE}\nsources:\n" + block,
                                         encoding="utf-8")

    checked = check()
    imported = CliRunner().invoke(app, ["import", "--as-of", "2026-11-20"])

    assert checked.exit_code == 0, checked.output
    assert "invoices, profile generic" in checked.stdout
    assert "3 invoices" in checked.stdout
    assert imported.exit_code == 0, imported.output
    aging = CliRunner().invoke(app, ["aging", "--format", "json", "--as-of", "2026-11-20"])
    document = json.loads(aging.stdout)
    # open: 610.00 + 96.80 (Harbour Cafe, C-01) and 363.00 (Lakeside Dental, C-02) = 1069.80
    assert [t["total"] for t in document["totals"]] == ["1069.80"]
    assert {c["customer_id"] for c in document["customers"]} == {"C-01", "C-02"}


def test_a_column_no_header_points_at_is_marked_missing_and_filling_it_in_makes_the_file_import(workspace):
    # "Termijn" holds the due date with the term written after it: neither its name nor its values read as a
    # date, so the due date stays missing and is marked for the user to fill in.
    write(workspace, """\
        Doc Ref;Debtor;Doc Date;Termijn;Gross
        D-1001;Harbour Cafe;01-10-2026;31-10-2026 (30 dagen);1210,00
        D-1002;Lakeside Dental;05-10-2026;04-11-2026 (30 dagen);363,00
        """)

    result = check("exports/mystery.csv")

    assert "  still missing: due_date\n" in result.stdout
    assert '      # due_date: "..."  # MISSING (required): write the header that holds the due date\n' in result.stdout
    block = result.stdout.split("arctl.yaml, then fill in the lines marked MISSING:\n\n", 1)[1]
    assert "issue_date: \"Doc Date\"" in block


def test_dates_in_a_column_named_otherwise_are_taken_as_due_dates_from_their_values(workspace):
    write(workspace, """\
        Doc Ref,Debtor,Doc Date,Limit,Gross
        D-1001,Harbour Cafe,2026-10-01,2026-10-31,1210.00
        D-1002,Lakeside Dental,2026-10-05,2026-11-04,363.00
        """)

    result = check("exports/mystery.csv")

    assert '      due_date: "Limit"  # guessed from the values: check it\n' in result.stdout


def test_check_json_carries_the_layout_answer(workspace):
    write(workspace, MYSTERY)

    result = check("exports/mystery.csv", "--json")

    [entry] = json.loads(result.stdout)["files"]
    layout = entry["layout"]
    assert layout["headers"][:3] == ["Doc Ref", "Debtor Code", "Debtor"]
    assert layout["missing"] == []
    assert {g["column"]: g["header"] for g in layout["guesses"]}["due_date"] == "Pay By"
    assert layout["columns_block"] == BLOCK


def test_a_customer_list_of_unknown_layout_gets_a_block_too(workspace):
    write(workspace, """\
        Relation Nr,Relation,Mail
        R1,Bakkerij Peeters BV,boekhouding@peeters.example.be
        """, name="exports/relaties.csv")

    result = check("exports/relaties.csv", "--kind", "customers")

    assert result.exit_code == 3
    assert ('  - path: "exports/relaties.csv"\n    kind: customers\n    columns:\n'
            '      customer_id: "Relation Nr"  # guessed from the header\n'
            '      name: "Relation"  # guessed from the header\n'
            '      email: "Mail"  # guessed from the header\n') in result.stdout


def test_other_commands_point_at_check_for_the_block(workspace):
    write(workspace, MYSTERY)

    result = CliRunner().invoke(app, ["aging", "exports/mystery.csv", "--as-of", "2026-11-20"])

    assert result.exit_code == 3
    assert re.search(r"`arctl check FILE` writes a columns: block to paste", result.stderr)


def test_an_invoice_list_whose_amount_column_has_an_unknown_name_is_not_taken_for_a_customer_list(workspace):
    # Dutch headers: invoice number and due date are known words, the open amount ("Saldo te betalen") is not
    write(workspace, """\
        Factuur;Klant;Klantnaam;Vervaldag;Saldo te betalen
        F-1;K1;Acme;15/12/2026;121,00
        F-2;K2;Beta;20/12/2026;50,00
        """)

    result = check("exports/mystery.csv")

    assert result.exit_code == 3
    assert "no profile reads this layout; read as invoices" in result.output
    assert 'invoice_id: "Factuur"' in result.output
