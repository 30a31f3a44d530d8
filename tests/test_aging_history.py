"""Back-dated aging: `aging --as-of` a past day rebuilds that day's open items from the state (invoices known
then, payments booked by then, closures of later snapshots not counted), not today's amounts shifted.

The history, written by hand (all amounts EUR; the export's file time is its day, 10:00 UTC):
  2 Nov   snapshot 1: A (K1, due 10 Oct, 1000.00), B (K2, due 25 Oct, 400.00), CN (K1 credit note, due 20 Oct,
          −100.00)
  12 Nov  the bank books P1, 300.00 from Bakkerij Peeters, matched by hand to A (a partial payment)
  16 Nov  snapshot 2: A 1000.00 (the accounting has not booked P1 yet), B, CN, and new C (K2, issued 10 Nov,
          due 24 Nov, 250.00)
  20 Nov  the bank books P2, 50.00 from a payer nobody knows
  25 Nov  snapshot 3: A 700.00 (P1 booked now), C, CN; B is gone: closed (B settled outside the bank)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import textwrap

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME

pytestmark = pytest.mark.state

ACCOUNT = "BE05068123456775"
HEADER = "Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due\n"
A = "A,K1,Bakkerij Peeters BV,2026-09-26,2026-10-10,EUR,1000.00,{open}\n"
B = "B,K2,Garage Janssens NV,2026-10-10,2026-10-25,EUR,400.00,400.00\n"
CN = "CN,K1,Bakkerij Peeters BV,2026-10-20,2026-10-20,EUR,-100.00,-100.00\n"
C = "C,K2,Garage Janssens NV,2026-11-10,2026-11-24,EUR,250.00,250.00\n"


def entry(ref_id: str, amount: str, name: str, day: str) -> str:
    return (f"<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>2026-11-{day}</Dt></BookgDt><AcctSvcrRef>{ref_id}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>{name}</Nm></Dbtr></RltdPties></TxDtls></NtryDtls></Ntry>")


STATEMENT = ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
             "<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-21T08:00:00</CreDtTm></GrpHdr>"
             f"<Stmt><Id>S1</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id></Acct>"
             + entry("P1", "300.00", "BAKKERIJ PEETERS", "12") + entry("P2", "50.00", "ONBEKENDE BETALER", "20")
             + "</Stmt></BkToCstmrStmt></Document>")


def cli(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def snapshot(root, day: int, *rows: str, accept: bool = False) -> None:
    path = root / "exports" / "open_invoices.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    stamp = dt.datetime(2026, 11, day, 10, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))
    cli("import", "--as-of", f"2026-11-{day:02d}", *(["--accept-closures"] if accept else []))


@pytest.fixture
def history(tmp_path, monkeypatch):
    (tmp_path / "exports").mkdir()
    (tmp_path / CONFIG_NAME).write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, country: BE}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
        """), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    snapshot(tmp_path, 2, A.format(open="1000.00"), B, CN)
    snapshot(tmp_path, 16, A.format(open="1000.00"), B, CN, C)
    (tmp_path / "exports" / "bank-1.xml").write_text(STATEMENT, encoding="utf-8")
    cli("import", "--kind", "bank", "exports/bank-1.xml", "--as-of", "2026-11-21")
    cli("match", f"{ACCOUNT}:P1", "A", "--amount", "300.00", "--force")
    snapshot(tmp_path, 25, A.format(open="700.00"), CN, C, accept=True)
    return tmp_path


def aging_on(day: str) -> dict:
    return json.loads(cli("aging", "--as-of", day, "--format", "json", "--detail").stdout)


def rows(document: dict) -> dict:
    return {c["customer_id"]: (c["total"], c["credits"], {k: v for k, v in c["buckets"].items() if v != "0.00"})
            for c in document["customers"]}


def test_on_14_november_the_report_is_that_days_open_items(history):
    document = aging_on("2026-11-14")

    # Known: A, B, CN (snapshot 1); not C (issued 10 Nov, first in the snapshot of 16 Nov).
    # A: 1000.00 shown on 2 Nov, less P1 booked 12 Nov = 700.00, due 10 Oct: 35 days → 31-60.
    # B: still open (closed only on 25 Nov): 400.00, due 25 Oct: 20 days → 1-30.
    # CN: −100.00, due 20 Oct: 25 days → 1-30.  P2 is not booked yet.
    assert rows(document) == {
        "K1": ("600.00", "-100.00", {"1-30": "-100.00", "31-60": "700.00"}),
        "K2": ("400.00", "0.00", {"1-30": "400.00"}),
    }
    [total] = document["totals"]
    assert (total["total"], total["credits"]) == ("1000.00", "-100.00")


def test_on_21_november_the_new_invoice_and_the_unknown_payment_are_there(history):
    document = aging_on("2026-11-21")

    # A: snapshot 2 (16 Nov) still shows 1000.00; P1 was matched against that very export: 700.00, 42 days.
    # B 400.00 (27 days), CN −100.00 (32 days → 31-60), C 250.00 not due yet (current),
    # P2 −50.00 booked 20 Nov (1 day) in the row of the unidentified payments.
    assert rows(document) == {
        "K1": ("600.00", "-100.00", {"31-60": "600.00"}),
        "K2": ("650.00", "0.00", {"current": "250.00", "1-30": "400.00"}),
        None: ("-50.00", "-50.00", {"1-30": "-50.00"}),
    }
    unknown = next(c for c in document["customers"] if c["customer_id"] is None)
    assert unknown["name"] == "unidentified payments"
    assert unknown["items"] == [{"kind": "payment", "reference": f"{ACCOUNT}:P2", "issue_date": "2026-11-20",
                                 "due_date": "2026-11-20", "days": 1, "bucket": "1-30", "amount": "-50.00"}]
    # 700.00 + 400.00 + 250.00 − 100.00 − 50.00
    assert document["totals"][0]["total"] == "1200.00"


def test_after_the_last_snapshot_the_report_is_todays(history):
    document = aging_on("2026-11-26")

    # B closed by snapshot 3; A 700.00 as the export shows (P1 in it), 47 days; CN 37 days; C 2 days;
    # P2 6 days.
    assert rows(document) == {
        "K1": ("600.00", "-100.00", {"31-60": "600.00"}),
        "K2": ("250.00", "0.00", {"1-30": "250.00"}),
        None: ("-50.00", "-50.00", {"1-30": "-50.00"}),
    }
    assert document["totals"][0]["total"] == "800.00"


def test_before_the_first_snapshot_nothing_is_known_and_the_report_says_so(history):
    result = cli("aging", "--as-of", "2026-11-01", "--format", "json")

    assert json.loads(result.stdout)["customers"] == []
    assert "the state's first invoice export is of 2026-11-02: no invoice is known on 2026-11-01" in result.stderr

