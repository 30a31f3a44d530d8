"""The workspace the kill loop works on: a Belgian company's open items, customers and daily bank statements over
several dunning days, written the same way every time (a seed), with fixed file times so that two copies of it
are the same exports to arctl.

Over the days customers pay: by structured reference, by name and amount with the invoice number in the text,
in part, and some credits fit nothing. The accounting export follows the bank a week late, as it does."""

from __future__ import annotations

import datetime as dt
import os
import random
import textwrap
from dataclasses import dataclass
from pathlib import Path

from arctl.refs import ogm_for_invoice

ACCOUNT = "BE05068123456775"
DAYS = (dt.date(2026, 10, 20), dt.date(2026, 11, 3), dt.date(2026, 11, 17), dt.date(2026, 12, 1))
HEADER = ("Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference")


@dataclass(frozen=True, slots=True)
class Invoice:
    number: str
    customer: str
    issued: dt.date
    cents: int

    @property
    def due(self) -> dt.date:
        return self.issued + dt.timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Payment:
    booked: dt.date
    invoice: Invoice | None
    cents: int
    how: str  # reference, text, partial, unknown


def plan(customers: int, seed: int) -> tuple[list[Invoice], list[Payment]]:
    """The invoices and, over the days, the payments that come in."""
    rng = random.Random(seed)
    invoices = [Invoice(f"2026-{n:04d}", f"K{n % customers:03d}",
                        dt.date(2026, 7, 15) + dt.timedelta(days=rng.randint(0, 90)), rng.randint(50, 5000) * 100)
                for n in range(1, customers * 3 + 1)]
    payments, unpaid = [], list(invoices)
    for previous, day in zip((DAYS[0] - dt.timedelta(days=14), *DAYS), DAYS, strict=False):
        for invoice in [i for i in unpaid if i.issued < day and rng.random() < 0.22]:
            booked = previous + dt.timedelta(days=rng.randint(0, (day - previous).days - 1))
            how = rng.choices(("reference", "text", "partial"), (7, 2, 1))[0]
            cents = invoice.cents // 2 if how == "partial" else invoice.cents
            payments.append(Payment(booked, invoice, cents, how))
            unpaid.remove(invoice)
        payments.append(Payment(day - dt.timedelta(days=1), None, rng.randint(10, 900) * 100, "unknown"))
    return invoices, payments


def write(root: Path, day: dt.date, customers: int, seed: int, extra_config: str = "") -> None:
    """The workspace's exports as they stand on `day` (arctl.yaml too, on the first day)."""
    invoices, payments = plan(customers, seed)
    exports = root / "exports"
    (exports / "bank").mkdir(parents=True, exist_ok=True)
    config = root / "arctl.yaml"
    if not config.exists():
        config.write_text(textwrap.dedent(f"""\
            company: {{name: Voorbeeld, legal_form: BV, country: BE, iban: {ACCOUNT}, bic: GKCCBEBB}}
            dunning: {{email_pdf: false}}
            sources:
              - path: exports/open_invoices.csv
                kind: invoices
                snapshot: true
              - path: exports/customers.csv
                kind: customers
              - path: exports/bank/
                kind: bank
            """) + extra_config, encoding="utf-8")
    names = {f"K{c:03d}": f"Klant K{c:03d} BV" for c in range(customers)}
    rows = ["Customer ID,Name,Email,Phone,Language"] + [
        f"{c},{name},{'' if int(c[1:]) % 9 == 0 else f'boekhouding@{c.lower()}.example.be'},+32 3 000 {c[1:]},"
        f"{'fr' if int(c[1:]) % 3 == 0 else 'nl'}" for c, name in names.items()]
    _write(exports / "customers.csv", "\n".join(rows) + "\n", DAYS[0])
    booked_in_books = {p.invoice.number: p for p in payments
                       if p.invoice is not None and p.booked < day - dt.timedelta(days=7)}
    lines = [HEADER]
    for invoice in invoices:
        if invoice.issued >= day:
            continue
        paid = booked_in_books.get(invoice.number)
        open_cents = invoice.cents - (paid.cents if paid else 0)
        if open_cents > 0:
            lines.append(f"{invoice.number},{invoice.customer},{names[invoice.customer]},{invoice.issued},"
                         f"{invoice.due},EUR,{_money(invoice.cents)},{_money(open_cents)},"
                         f"{_ogm_text(ogm_for_invoice(invoice.number))}")
    _write(exports / "open_invoices.csv", "\n".join(lines) + "\n", day)
    entries = [p for p in payments if DAYS[0] - dt.timedelta(days=14) <= p.booked < day]
    for number, on in enumerate(DAYS):
        if on <= day:
            period = [p for p in entries if (DAYS[number - 1] if number else dt.date.min) <= p.booked < on]
            _write(exports / "bank" / f"statement-{on}.xml", _camt(f"S{on:%m%d}", on, period, names), on)


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _ogm_text(digits: str) -> str:
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def _write(path: Path, text: str, day: dt.date) -> None:
    path.write_text(text, encoding="utf-8")
    stamp = dt.datetime.combine(day, dt.time(6, 0), tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))   # the same export on every copy of the workspace


def _camt(statement_id: str, day: dt.date, payments: list[Payment], names: dict[str, str]) -> str:
    entries = []
    for n, payment in enumerate(sorted(payments, key=lambda p: (p.booked, p.cents))):
        invoice = payment.invoice
        name = names[invoice.customer].upper() if invoice else "J. PEETERS"
        if payment.how == "reference" and invoice:
            remittance = f"<Strd><CdtrRefInf><Ref>{ogm_for_invoice(invoice.number)}</Ref></CdtrRefInf></Strd>"
        else:
            remittance = f"<Ustrd>factuur {invoice.number if invoice else 'onbekend'}</Ustrd>"
        entries.append(
            f"<Ntry><Amt Ccy=\"EUR\">{_money(payment.cents)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{payment.booked}</Dt></BookgDt><AcctSvcrRef>{statement_id}-{n}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>{name}</Nm></Dbtr></RltdPties><RmtInf>{remittance}</RmtInf>"
            "</TxDtls></NtryDtls></Ntry>")
    return ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
            f"<BkToCstmrStmt><GrpHdr><MsgId>{statement_id}</MsgId><CreDtTm>{day}T06:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>{statement_id}</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id></Acct>{''.join(entries)}"
            "</Stmt></BkToCstmrStmt></Document>")
