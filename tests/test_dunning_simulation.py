"""120 days of daily dunning runs on a workspace of a few hundred invoices — with payments, a dispute, a
promise, a hold, a returned payment and a payment plan — checked against step dates
worked out by hand from plans/standard.yaml (friendly 7 days after the due date, new term 10; second 14
days later; call 7 days later; demand 7 days later, term 8; agency 10 days later; every date moved to
the next Belgian business day: 11 November, Christmas and New Year's Day are holidays)."""

from __future__ import annotations

import datetime as dt
import random
import textwrap
from collections import Counter

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME

START, DAYS = dt.date(2026, 11, 2), 120
ACCOUNT = "BE05068123456775"

# The oracle, written out by hand: (step, date) for every step each invoice receives in the 120 days.
EXPECTED = {
    # due Wed 4 Nov: friendly on 11 Nov is Armistice Day -> Thu 12 Nov; the agency date Sun 20 Dec -> Mon 21 Dec
    "A-0001": [("friendly", "2026-11-12"), ("second", "2026-11-26"), ("call", "2026-12-03"),
               ("demand", "2026-12-10"), ("agency", "2026-12-21")],
    # due Mon 2 Nov, paid in full by its structured reference on Fri 20 Nov: nothing after the friendly e-mail
    "B-0001": [("friendly", "2026-11-09")],
    # due Fri 6 Nov; disputed from 20 Nov until Tue 15 Dec: the second step waits for Wed 16 Dec
    "C-0001": [("friendly", "2026-11-13"), ("second", "2026-12-16"), ("call", "2026-12-23"),
               ("demand", "2026-12-30"), ("agency", "2027-01-11")],
    # due Mon 9 Nov; promised on 20 Nov to pay by Fri 4 Dec, did not: the second step on Mon 7 Dec
    "D-0001": [("friendly", "2026-11-16"), ("second", "2026-12-07"), ("call", "2026-12-14"),
               ("demand", "2026-12-21"), ("agency", "2026-12-31")],
    # due Tue 3 Nov; the customer is on hold from 5 Nov until released on Fri 15 Jan: the first step on Mon 18 Jan
    "E-0001": [("friendly", "2027-01-18"), ("second", "2027-02-01"), ("call", "2027-02-08"),
               ("demand", "2027-02-15"), ("agency", "2027-02-25")],
    # due Tue 10 Nov; friendly Tue 17 Nov; on 20 Nov a plan of 3 installments of 200.00 every 2 weeks from Tue 1 Dec:
    # the first is paid on 1 Dec, the second (15 Dec) reminded on 16 Dec, the third (29 Dec) on 30 Dec; the second
    # missed installment (29 Dec + 7 days) ends the plan on 5 Jan: dunning resumes on Wed 6 Jan
    "G-0001": [("friendly", "2026-11-17"), ("installment-2", "2026-12-16"), ("installment-3", "2026-12-30"),
               ("second", "2027-01-06"), ("call", "2027-01-13"), ("demand", "2027-01-20"),
               ("agency", "2027-02-01")],
    # due Thu 5 Nov; paid on Wed 18 Nov, the payment returned on Wed 25 Nov: dunning resumes with the second step
    "F-0001": [("friendly", "2026-11-12"), ("second", "2026-11-26"), ("call", "2026-12-03"),
               ("demand", "2026-12-10"), ("agency", "2026-12-21")],
}


def ogm(base: int) -> str:
    return f"{base:010d}{base % 97 or 97:02d}"


def entry(ref_id, amount, *, credit=True, structured="", reversal=False, day="2026-11-20"):
    remittance = f"<RmtInf><Strd><CdtrRefInf><Ref>{structured}</Ref></CdtrRefInf></Strd></RmtInf>" if structured else ""
    return (f"<Ntry><Amt Ccy=\"EUR\">{amount}</Amt>" + ("<RvslInd>true</RvslInd>" if reversal else "")
            + f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt>"
            f"<AcctSvcrRef>{ref_id}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>KLANT</Nm></Dbtr>"
            f"</RltdPties>{remittance}</TxDtls></NtryDtls></Ntry>")


def statement(name, *entries):
    return ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
            f"<BkToCstmrStmt><GrpHdr><MsgId>{name}</MsgId><CreDtTm>2026-11-21T08:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>{name}</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id></Acct>{''.join(entries)}"
            "</Stmt></BkToCstmrStmt></Document>")


def make_workspace(root):
    (root / "exports").mkdir(parents=True)
    rows = ["Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference"]
    dues = {"A-0001": "2026-11-04", "B-0001": "2026-11-02", "C-0001": "2026-11-06", "D-0001": "2026-11-09",
            "E-0001": "2026-11-03", "F-0001": "2026-11-05", "G-0001": "2026-11-10"}
    for n, (invoice, due) in enumerate(dues.items(), start=1):
        reference = f"+++{ogm(n * 101)[:3]}/{ogm(n * 101)[3:7]}/{ogm(n * 101)[7:]}+++"
        amount = "600.00" if invoice == "G-0001" else "500.00"
        rows.append(f"{invoice},K{n:03d},Klant {n} BV,2026-10-01,{due},EUR,{amount},{amount},{reference}")
    rng = random.Random(120)
    for n in range(300):  # a few hundred other invoices, to run at scale
        due = START + dt.timedelta(days=rng.randint(-40, 60))
        amount = rng.randint(30, 9000)
        rows.append(f"X-{n:04d},K{100 + n % 90:03d},Klant {100 + n % 90} BV,2026-09-01,{due},EUR,"
                    f"{amount}.00,{rng.randint(30, amount)}.00,")
    (root / "exports" / "open_invoices.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    customers = ["Customer ID,Name,Email"] + [f"K{c:03d},Klant {c} BV,boekhouding@k{c:03d}.example.be"
                                              for c in [*range(1, 8), *range(100, 190)]]
    (root / "exports" / "customers.csv").write_text("\n".join(customers) + "\n", encoding="utf-8")
    (root / CONFIG_NAME).write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, country: BE, iban: BE05068123456775}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/customers.csv
            kind: customers
        """), encoding="utf-8")


def cli(*args):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (args, result.output)
    return result


def events(root, day: dt.date):
    """What happens on `day` besides the dunning run."""
    iso = day.isoformat()
    if day == dt.date(2026, 11, 5):
        cli("hold", "K005", "--reason", "legal", "--as-of", iso)
    if day == dt.date(2026, 11, 18):
        (root / "exports" / "bank-1118.xml").write_text(statement("S1118", entry(
            "R-F", "500.00", structured=ogm(6 * 101), day=iso)), encoding="utf-8")
        cli("import", "--kind", "bank", "exports/bank-1118.xml", "--as-of", iso)
        cli("reconcile")
    if day == dt.date(2026, 11, 20):
        (root / "exports" / "bank-1120.xml").write_text(statement("S1120", entry(
            "R-B", "500.00", structured=ogm(2 * 101), day=iso)), encoding="utf-8")
        cli("import", "--kind", "bank", "exports/bank-1120.xml", "--as-of", iso)
        cli("reconcile")
        cli("dispute", "open", "C-0001", "--reason", "quality of the delivery", "--as-of", iso)
        cli("promise", "D-0001", "--until", "2026-12-04", "--as-of", iso)
        cli("payplan", "create", "K007", "--invoices", "G-0001", "--installments", "3", "--first", "2026-12-01",
            "--every", "2w", "--as-of", iso)
    if day == dt.date(2026, 12, 1):
        (root / "exports" / "bank-1201.xml").write_text(statement("S1201", entry(
            "R-G-1", "200.00", structured=ogm(7 * 101), day=iso)), encoding="utf-8")
        cli("import", "--kind", "bank", "exports/bank-1201.xml", "--as-of", iso)
        cli("reconcile")
    if day == dt.date(2026, 11, 25):
        (root / "exports" / "bank-1125.xml").write_text(statement("S1125", entry(
            "R-F-RETURN", "500.00", credit=False, reversal=True, structured=ogm(6 * 101), day=iso)),
            encoding="utf-8")
        cli("import", "--kind", "bank", "exports/bank-1125.xml", "--as-of", iso)
        cli("reconcile")
    if day == dt.date(2026, 12, 15):
        cli("dispute", "close", "C-0001", "--note", "settled", "--as-of", iso)
    if day == dt.date(2027, 1, 15):
        cli("release", "K005", "--as-of", iso)


def history(root):
    engine = create_engine(f"sqlite:///{root / '.arctl' / 'state.sqlite'}")
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT i.invoice_id, a.step, a.as_of FROM dunning_items i JOIN dunning_actions a ON a.id = i.action_id "
            "ORDER BY a.as_of, a.id")).all()
    engine.dispose()
    return [(invoice, step, str(day)) for invoice, step, day in rows]


@pytest.mark.slow
def test_120_days_of_daily_runs_follow_the_hand_worked_sequences(tmp_path, monkeypatch):
    from arctl.render import pdf

    # step dates are checked here, not documents: 120 runs write their letters as HTML only, as without WeasyPrint
    monkeypatch.setattr(pdf, "unavailable", lambda: "PDF left out: this test checks step dates")
    root = tmp_path / "ws"
    make_workspace(root)
    monkeypatch.chdir(root)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    cli("import", "--as-of", START.isoformat())

    for offset in range(DAYS):
        day = START + dt.timedelta(days=offset)
        events(root, day)
        cli("dunning", "run", "--as-of", day.isoformat(), "--allow-stale-bank")

    taken = history(root)
    for invoice, expected in EXPECTED.items():
        assert [(step, day) for i, step, day in taken if i == invoice] == expected, invoice
    counts = Counter((invoice, step) for invoice, step, _ in taken)
    assert max(counts.values()) == 1, "a step was sent twice"
    order = ["friendly", "second", "call", "demand", "agency"]
    for invoice in {i for i, _, _ in taken}:
        steps = [step for i, step, _ in taken if i == invoice and not step.startswith("installment-")]
        assert steps == order[:len(steps)], invoice
    last = (START + dt.timedelta(days=DAYS - 1)).isoformat()
    again = CliRunner().invoke(app, ["dunning", "run", "--as-of", last, "--allow-stale-bank", "--json"])
    assert '"actions": []' in again.stdout
