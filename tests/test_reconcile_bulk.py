"""The bulk paths of `arctl reconcile` in a workspace give exactly what the row-by-row ones gave: the JSON
text, the frames read from the state, the rows stored."""

from __future__ import annotations

import json
import textwrap

import pandas as pd
import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME
from arctl.model import Match, Unmatched
from arctl.reconcile.engine import Reconciliation
from arctl.render.reconcile import json_text, reconcile_json
from arctl.state import match_rows
from arctl.workflows import load_workspace, open_store

pytestmark = pytest.mark.state

ACCOUNT = "BE05068123456775"


def as_dumped(result) -> str:
    return json.dumps(reconcile_json(result), ensure_ascii=False, indent=2)


def test_the_json_text_of_nothing_is_the_encoders():
    empty = Reconciliation((), (), (), (), 0)

    assert json_text(empty) == as_dumped(empty)


def test_the_json_text_escapes_and_formats_like_the_encoder():
    result = Reconciliation(
        (Match('BE05:REF "1"\\', "2026-0042", 121000, "EUR", "structured_reference", 1.0, "auto"),
         Match("BE05:REF-2", "F\u00e9/7\n", -1500, "EUR", "credit_note", 0.85, "auto", "short by 1.00 EUR\t"),
         Match("BE05:REF-3", "J-1", 1500, "JPY", "payer_amount", 0.5, "suggested", "\u2028 \x01 \u00e9")),
        (Unmatched("BE05:REF-4", 5, "EUR", "Zo\u00eb \u201cQuoted\u201d", "no reference"),),
        (Unmatched("BE05:REF-5", 99, "EUR", "", "paid more"),),
        (Unmatched("BE05:REF-6", -1210, "EUR", "B\u00e4cker GmbH", "debit: not a customer payment"),),
        6)

    text = json_text(result)

    assert text == as_dumped(result)
    assert json.loads(text)["matches"][1]["amount"] == "-15.00"


def entry(ref_id, amount, *, credit=True, name="", iban="", structured="", reversal=False, day="20"):
    parties = f"<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr>" + (
        f"<DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct>" if iban else "") + "</RltdPties>" if name else ""
    remittance = (f"<RmtInf><Strd><CdtrRefInf><Ref>{structured}</Ref></CdtrRefInf></Strd></RmtInf>"
                  if structured else "")
    return (f"<Ntry><Amt Ccy=\"EUR\">{amount}</Amt>" + ("<RvslInd>true</RvslInd>" if reversal else "")
            + f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>2026-11-{day}</Dt></BookgDt><AcctSvcrRef>{ref_id}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls>{parties}{remittance}</TxDtls></NtryDtls></Ntry>")


def statement(*entries):
    return ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
            "<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-21T08:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>S1</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id></Acct>{''.join(entries)}"
            "</Stmt></BkToCstmrStmt></Document>")


INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference
    2026-0042,K001,Bakkerij Peeters BV,2026-10-01,2026-10-31,EUR,1210.00,1210.00,+++090/9337/55493+++
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-11-04,EUR,302.50,302.50,
    2026-0044,K002,Garage Janssens NV,2026-10-06,2026-11-05,EUR,-99.00,-99.00,
    2026-0045,K003,Zoë Dubois,2026-10-07,2026-11-06,EUR,"1,234.56","1,234.56",RF18539007547034
    """


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "open_invoices.csv").write_text(textwrap.dedent(INVOICES), encoding="utf-8")
    (tmp_path / "exports" / "bank-1.xml").write_text(statement(
        entry("REF-1", "1210.00", name="BAKKERIJ PEETERS", structured="090933755493"),
        entry("REF-2", "302.50", name="J. JANSSENS", iban="NL91ABNA0417164300"),
        entry("REF-3", "1210.00", name="BAKKERIJ PEETERS", reversal=True, credit=False, day="21"),
        entry("REF-4", "12.00", credit=False),
        entry("REF-5", "0.00", name="Zoë Dubois")), encoding="utf-8")
    (tmp_path / CONFIG_NAME).write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, country: BE}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/bank-1.xml
            kind: bank
        """), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    assert CliRunner().invoke(app, ["import", "--as-of", "2026-11-21"]).exit_code == 0
    return tmp_path


def test_the_bank_lines_and_open_invoices_read_for_matching_are_the_stores_columns(workspace):
    store = open_store(load_workspace(workspace, workspace, None))
    try:
        bank, invoices = match_rows.bank_lines(store), match_rows.invoice_items(store)

        pd.testing.assert_frame_equal(bank, store.bank_lines()[list(match_rows.BANK_COLUMNS)])
        pd.testing.assert_frame_equal(invoices, store.invoice_items()[list(invoices.columns)])
        assert len(bank) == 5 and bank["reversal"].tolist() == [False, False, True, False, False]
        assert invoices["open_amount"].tolist() == [121000, 30250, -9900, 123456]
    finally:
        store.close()


def test_matches_stored_in_bulk_are_the_rows_add_matches_stores(workspace):
    rows = [("BE05068123456775:REF-1", "2026-0042", 121000, "EUR", "structured_reference", 1.0, "auto", "", 1),
            ("BE05068123456775:REF-2", "2026-0043", 30250, "EUR", "payer_amount", 0.5, "suggested", "é", None)]
    store = open_store(load_workspace(workspace, workspace, None))
    try:
        assert match_rows.add_matches(store, [], "2026-11-21T08:00:00") == 0
        assert match_rows.add_matches(store, rows, "2026-11-21T08:00:00") == 2
        store.add_matches([{**dict(zip(match_rows.MATCH_COLUMNS, row, strict=False))} for row in rows])
        stored = store.matches().drop(columns=["id"])
    finally:
        store.close()

    bulk, one_by_one = stored.iloc[:2].reset_index(drop=True), stored.iloc[2:].reset_index(drop=True)
    pd.testing.assert_frame_equal(bulk.drop(columns=["created_at"]), one_by_one.drop(columns=["created_at"]))
    assert bulk["created_at"].tolist() == ["2026-11-21T08:00:00"] * 2


CUSTOMERS = {
    "K001": "Bakkerij Peeters BV", "K002": "Bakkerij Peeters-Maes", "K003": "Garage Janssens NV",
    "K004": "Garage Jansens", "K005": "Zoë Dubois SPRL", "K006": "Brasserie De Kroon", "K007": "De Kroon Brasserie",
    "K008": "Ölhandel Müller GmbH", "K009": "Q",
}
# typos, a word missing, words swapped, two customers scoring alike, no customer near, no block shared
PAYER_NAMES = ["BKAKERIJ PEETERS", "BAKKERIJ PEETERS MAES", "BAKERIJ PETERS", "GARAGE JANSENS NV", "GARAGE JANSSEN",
               "JANSSENS GARAGE", "ZOE DUBOIS", "DUBOIS ZOE", "KROON BRASSERIE DE", "BRASSERIE KROON",
               "OLHANDEL MULLER", "OELHANDEL MUELLER", "XYZ TRADING", "Q Q", "PEETERS", "MAES BAKKERIJ PEETERS"]


@pytest.mark.parametrize("score", [70, 85, 90, 100])
def test_payer_names_scored_in_bulk_find_the_customer_each_name_finds_on_its_own(score):
    from arctl.reconcile.names import PayerIndex, normalise_name

    alone = PayerIndex(CUSTOMERS, {}, score)
    bulk = PayerIndex(CUSTOMERS, {"BE68 5390 0754 7034": "K001"}, score)
    bulk.prefetch([("", name) for name in PAYER_NAMES] + [("BE68539007547034", "SOMEONE ELSE")])

    assert set(bulk._fuzzy_found) == {normalise_name(n) for n in PAYER_NAMES} - set(bulk.by_name)
    assert [bulk.identify("", name) for name in PAYER_NAMES] == [alone.identify("", name) for name in PAYER_NAMES]
    assert bulk.identify("BE68539007547034", "SOMEONE ELSE").customer_id == "K001"


def test_a_name_two_customers_fit_equally_well_identifies_no_one_in_bulk_either():
    from arctl.reconcile.names import PayerIndex

    index = PayerIndex({"K1": "Peeters Bakkerij", "K2": "Bakkerij Peeters", "K3": "Other"}, {}, 80)
    index.prefetch([("", "BAKKERIJ PEETERZ")])

    assert index._fuzzy_found == {"bakkerij peeterz": None}
    assert index.identify("", "BAKKERIJ PEETERZ") is None
