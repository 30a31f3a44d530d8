"""Benchmark data, the bank: lines that pay most open invoices, plus unrelated ones, as camt.053 and as a KBC CSV.

Used by benchmarks/data.py; see its docstring. Each line is labelled with the case it was made for (`KINDS`), so
that a test or the harness can say what the matcher should find:

- `strd`: the invoice's OGM or RF in the structured remittance (camt Strd/CdtrRefInf/Ref), paying the open amount;
- `ref_text`: the printed reference written in the free text (Ustrd) instead;
- `partial`: the structured reference with a round part of the open amount;
- `number`: the invoice number in the free text ("Factuur 2026-012345");
- `combined`: two invoice numbers of one customer in the text, paying both;
- `iban`: no text to go by: a payer known by the customer master's IBAN, paying exactly one open amount that no
  other open item of the customer has;
- `name`: the customer's name (as written, or in capitals without accents) from an account nobody knows, with
  an amount unique among the customer's open items;
- `collection` and `returned`: a direct debit of an invoice (by its OGM) and its return some days later;
- `supplier` (debits), `fee` (the bank's, one a day), `tax_refund`, `unknown` (credits nobody can place).

Payers pay from a known IBAN most of the time and otherwise from an account the master does not list; payments
come in after the invoice was issued, on the working days of the 30 days before the as-of date.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from benchmarks import data_tables as tables
from examples import generate as demo

KINDS = ("strd", "ref_text", "partial", "number", "combined", "iban", "name", "collection", "returned",
         "supplier", "fee", "tax_refund", "unknown")
REFERENCE_KINDS = ("strd", "ref_text", "partial", "collection")   # lines carrying an invoice's structured reference
K = {kind: code for code, kind in enumerate(KINDS)}
PAID_PERCENT = 92            # of the EUR invoices that can be paid in the period
STATEMENT_DAYS = 30
COMPANY_NAME = demo.COMPANY_NAME
COMPANY_IBAN = demo.COMPANY_IBAN
FRESH_BANKS = np.array([83, 88, 97])   # Belgian bank codes no customer's account uses: unknown payers' accounts
COMBINED_TEXT = {"nl": "Facturen {a} en {b}", "fr": "Factures {a} et {b}", "de": "Rechnungen {a} und {b}",
                 "en": "Invoices {a} and {b}"}
SUPPLIERS = tuple(name for name, _ in demo.SUPPLIERS) + ("Telenet BV", "TotalEnergies Marketing Belgium NV",
                                                        "Securex VZW", "bpost NV", "Vanbreda Risk & Benefits NV")
UNKNOWN_PAYERS = tuple(name for name, _ in demo.UNKNOWN_PAYERS) + ("Kerkfabriek Sint-Martinus", "Sportclub KVK",
                                                                   "Ouderraad Basisschool De Linde")
FAMILY = {"credit": ("PMNT", "RCDT", "ESCT"), "debit": ("PMNT", "ICDT", "ESCT"), "collection": ("PMNT", "IDDT", "ESDD"),
          "returned": ("PMNT", "IDDT", "UPDD"), "fee": ("ACMT", "MDOP", "CHRG")}


@dataclass(frozen=True)
class BankLines:
    """The statement's lines in booking order; text columns are lists, the rest numpy arrays."""

    day: np.ndarray           # days since 1970
    amount: np.ndarray        # int64 minor units, signed (credit positive)
    kind: np.ndarray          # index into KINDS
    name: list[str]
    iban: list[str]
    strd: list[str]           # 12 OGM digits or a compact RF, as in camt's Strd/CdtrRefInf/Ref
    ustrd: list[str]
    e2e: list[str]
    ref: list[str]            # the bank's AcctSvcrRef
    invoice: np.ndarray       # the invoice a customer payment was made for (index into the invoices), else -1
    partner: np.ndarray       # the second invoice of a combined payment, else -1
    paid_invoices: int        # invoices the lines pay in full or in part (a returned collection not counted)
    opening: int              # the statement's opening balance

    def __len__(self) -> int:
        return len(self.day)

    def counts(self) -> dict[str, int]:
        found = np.bincount(self.kind, minlength=len(KINDS))
        return {kind: int(found[code]) for code, kind in enumerate(KINDS)}


def statement_days(as_of: dt.date) -> np.ndarray:
    """The working days of the STATEMENT_DAYS days before the as-of date, as day numbers."""
    last = tables.day_number(as_of) - 1
    days = np.arange(last - STATEMENT_DAYS + 1, last + 1)
    return days[(days + 3) % 7 < 5]


def fresh_ibans(rng: np.random.Generator, count: int) -> list[str]:
    """Belgian IBANs of banks no customer's account is at: valid check digits, never in the customer master."""
    first10 = FRESH_BANKS[rng.integers(0, len(FRESH_BANKS), count)] * 10 ** 7 + rng.integers(0, 10 ** 7, count)
    national = first10 % 97
    bban = first10 * 100 + np.where(national == 0, 97, national)
    check = 98 - (bban % 97 * (10 ** 6 % 97) + 111_400) % 97        # BBAN, "BE" as 1114, "00"
    return [f"BE{c:02d}{b:012d}" for c, b in zip(check.tolist(), bban.tolist(), strict=True)]


# --- which invoice gets which payment -----------------------------------------------------------------------------


def _unique_in_customer(inv: tables.InvoiceTable) -> np.ndarray:
    """True where no other open item of the same customer has the same open amount."""
    key = inv.cust.astype(np.int64) * (1 << 40) + (inv.open - inv.open.min())
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return counts[inverse] == 1


def _pairs(candidates: np.ndarray, cust: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Consecutive candidates of one customer paired two by two: (first of each pair, second), the rest unpaired."""
    owner = cust[candidates]
    starts = np.r_[True, owner[1:] != owner[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(candidates)), 0))
    rank = np.arange(len(candidates)) - group_start
    nxt = np.r_[owner[1:], -1]
    first = (rank % 2 == 0) & (nxt == owner)
    at = np.flatnonzero(first)
    return candidates[at], candidates[at + 1]


def assign_kinds(rng: np.random.Generator, inv: tables.InvoiceTable, cust: tables.CustomerTable,
                 days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(invoice, second invoice or -1, kind) of every customer payment."""
    count = len(inv)
    payable = ~inv.credit & ~inv.usd & (inv.open > 0) & (inv.issue < days[-1])
    paid = payable & (rng.random(count) < PAID_PERCENT / 100)
    roll = rng.random(count)
    has_iban = np.array([bool(i) for i in cust.ibans])[inv.cust]
    unique = _unique_in_customer(inv)
    kind = np.full(count, -1, dtype=np.int64)
    with_ref = paid & (inv.ref_kind != tables.NONE)
    kind[with_ref] = np.select([roll[with_ref] < 0.70, roll[with_ref] < 0.82, roll[with_ref] < 0.88],
                               [K["strd"], K["ref_text"], K["partial"]], K["number"])
    kind[with_ref & (kind == K["partial"]) & (inv.open < 2_000)] = K["strd"]
    collect = (kind == K["strd"]) & (inv.ref_kind == tables.OGM) & has_iban & (rng.random(count) < 0.004)
    collect &= inv.issue < days[-4]
    kind[collect] = K["collection"]
    bare = paid & (inv.ref_kind == tables.NONE)
    kind[bare] = np.select([roll[bare] < 0.50, roll[bare] < 0.70, roll[bare] < 0.85],
                           [K["number"], K["combined"], K["iban"]], K["name"])
    kind[(kind == K["iban"]) & ~(has_iban & unique)] = K["number"]
    kind[(kind == K["name"]) & ~unique] = K["number"]
    combined = np.flatnonzero(kind == K["combined"])
    first, second = _pairs(combined, inv.cust)
    kind[np.setdiff1d(combined, np.r_[first, second])] = K["number"]
    single = np.flatnonzero((kind >= 0) & (kind != K["combined"]))
    invoice = np.r_[single, first]
    partner = np.r_[np.full(len(single), -1), second]
    return invoice, partner, kind[invoice]


def _texts(rng: np.random.Generator, kind: np.ndarray, invoice: np.ndarray, partner: np.ndarray,
           inv: tables.InvoiceTable, cust: tables.CustomerTable) -> tuple[list[str], list[str]]:
    """(structured reference, free text) of each customer payment."""
    count = len(kind)
    strd = np.full(count, "", dtype=object)
    ustrd = np.full(count, "", dtype=object)
    structured = np.isin(kind, [K["strd"], K["partial"], K["collection"]])
    bases = tables.reference_bases(inv, invoice[structured])
    is_rf = inv.ref_kind[invoice[structured]] == tables.RF
    strd_values = np.array(tables.ogm_digits(bases), dtype=object)
    strd_values[is_rf] = tables.rf_compact(bases[is_rf])
    strd[structured] = strd_values
    written = kind == K["ref_text"]
    ustrd[written] = tables.printed_references(inv, invoice[written])
    language = np.array([lang if lang in demo.NUMBER_TEXT else "en" for lang in cust.languages],
                        dtype=object)[inv.cust[invoice]]
    numbers = np.array(tables.invoice_numbers(inv, invoice), dtype=object)
    pick = rng.integers(0, 6, count)
    for at in np.flatnonzero(np.isin(kind, [K["number"], K["partial"], K["iban"], K["name"], K["strd"]])).tolist():
        lang, code = language[at], kind[at]
        if code == K["number"]:
            choices = demo.NUMBER_TEXT[lang]
            ustrd[at] = choices[pick[at] % len(choices)].format(n=numbers[at])
        elif code == K["partial"]:
            ustrd[at] = demo.PARTIAL_TEXT[lang][pick[at] % len(demo.PARTIAL_TEXT[lang])]
        elif code != K["strd"] or pick[at] == 0:
            ustrd[at] = demo.NEUTRAL_TEXT[lang][pick[at] % len(demo.NEUTRAL_TEXT[lang])]
    pairs = np.flatnonzero(kind == K["combined"])
    if len(pairs):
        others = tables.invoice_numbers(inv, partner[pairs])
        ustrd[pairs] = [COMBINED_TEXT[language[at]].format(a=numbers[at], b=other)
                        for at, other in zip(pairs.tolist(), others, strict=True)]
    collections = np.flatnonzero(kind == K["collection"])
    ustrd[collections] = [demo.COLLECTION_TEXT[language[at]].format(n=numbers[at], m=f"MNDT{numbers[at]}")
                          for at in collections.tolist()]
    return strd.tolist(), ustrd.tolist()


def _payers(rng: np.random.Generator, kind: np.ndarray, owner: np.ndarray,
            cust: tables.CustomerTable) -> tuple[list[str], list[str]]:
    """(name, IBAN) each payment comes from: the customer's name as written or as banks pass it on (capitals,
    no accents); an account of the customer master (always for `iban` and direct debits, else 85 %), otherwise
    one the master does not list (always for `name`)."""
    count = len(kind)
    upper = rng.random(count) < 0.5
    plain = np.array(cust.names, dtype=object)[owner]
    shouted = np.array([unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").upper()
                        for name in cust.names], dtype=object)[owner]
    names = np.where(upper, shouted, plain)
    first = np.array([ibans[0] if ibans else "" for ibans in cust.ibans], dtype=object)[owner]
    second = np.array([ibans[-1] if ibans else "" for ibans in cust.ibans], dtype=object)[owner]
    known = np.where(rng.random(count) < 0.5, first, second)
    use_known = (known != "") & ((rng.random(count) < 0.85) | np.isin(kind, [K["iban"], K["collection"]]))
    use_known &= kind != K["name"]
    ibans = np.array(fresh_ibans(rng, count), dtype=object)
    ibans[use_known] = known[use_known]
    return names.tolist(), ibans.tolist()


def _end_to_end(rng: np.random.Generator, count: int) -> list[str]:
    """EndToEndIds as payers' banks send them: half NOTPROVIDED, else the payer's own id."""
    given = rng.random(count) < 0.5
    ids = rng.integers(0, 1 << 40, count).tolist()
    return [f"E2E{i:010X}" if g else "NOTPROVIDED" for i, g in zip(ids, given.tolist(), strict=True)]


def _payments(rng: np.random.Generator, inv: tables.InvoiceTable, cust: tables.CustomerTable,
              days: np.ndarray) -> dict:
    """The customer payments (and the returns of the collected direct debits), as columns."""
    invoice, partner, kind = assign_kinds(rng, inv, cust, days)
    both = partner >= 0
    amount = inv.open[invoice] + np.where(both, inv.open[np.maximum(partner, 0)], 0)
    partial = kind == K["partial"]
    half = amount[partial] // 2
    amount[partial] = np.where(half >= 5_000, half // 5_000 * 5_000, half // 100 * 100)
    issued = np.maximum(inv.issue[invoice], np.where(both, inv.issue[np.maximum(partner, 0)], 0))
    low = np.searchsorted(days, issued, side="right")
    high = np.where(kind == K["collection"], len(days) - 4, len(days))
    at = low + (rng.random(len(kind)) * (high - low)).astype(np.int64)
    names, ibans = _payers(rng, kind, inv.cust[invoice], cust)
    strd, ustrd = _texts(rng, kind, invoice, partner, inv, cust)
    lines = {"day": days[at], "amount": amount, "kind": kind, "name": names, "iban": ibans, "strd": strd,
             "ustrd": ustrd, "e2e": _end_to_end(rng, len(kind)), "invoice": invoice, "partner": partner}
    collected = np.flatnonzero(kind == K["collection"])
    for line, number in zip(collected.tolist(), tables.invoice_numbers(inv, invoice[collected]), strict=True):
        lines["e2e"][line] = f"{number}-DD"     # the creditor's own id of the collection, repeated by its return
    back = days[at[collected] + 2 + (rng.random(len(collected)) < 0.5)]
    reasons = [demo.RETURN_REASONS[i % len(demo.RETURN_REASONS)][0] for i in range(len(collected))]
    returns = {"day": back, "amount": -amount[collected], "kind": np.full(len(collected), K["returned"]),
               "name": [names[i] for i in collected.tolist()], "iban": [ibans[i] for i in collected.tolist()],
               "strd": [""] * len(collected), "ustrd": [f"TERUGBOEKING EUROPESE DOMICILIERING {r}" for r in reasons],
               "e2e": [lines["e2e"][i] for i in collected.tolist()], "invoice": invoice[collected],
               "partner": np.full(len(collected), -1)}
    paid = len(invoice) + int(both.sum()) - len(collected)
    return {"lines": [lines, returns], "paid": paid}


def _unrelated(rng: np.random.Generator, invoices: int, days: np.ndarray) -> dict:
    """Supplier debits (5 % of the invoices), the bank's fee each day, a tax refund or a few, unknown payers (1 %)."""
    made = []
    counts = {"supplier": max(2, round(invoices * 0.05)), "tax_refund": 1 + invoices // 500_000,
              "unknown": max(2, round(invoices * 0.01))}
    suppliers = counts["supplier"]
    bases = rng.integers(10 ** 9, 10 ** 10, suppliers)
    checks = np.where(bases % 97 == 0, 97, bases % 97)
    made.append({"day": days[rng.integers(0, len(days), suppliers)],
                 "amount": -rng.integers(8_000, 250_001, suppliers), "kind": np.full(suppliers, K["supplier"]),
                 "name": [SUPPLIERS[i] for i in rng.integers(0, len(SUPPLIERS), suppliers).tolist()],
                 "iban": fresh_ibans(rng, suppliers),
                 "strd": [f"{b}{c:02d}" for b, c in zip(bases.tolist(), checks.tolist(), strict=True)],
                 "ustrd": [""] * suppliers, "e2e": _end_to_end(rng, suppliers)})
    fees = len(days)
    made.append({"day": days, "amount": -np.array([1_250, 1_815, 2_450])[rng.integers(0, 3, fees)],
                 "kind": np.full(fees, K["fee"]), "name": [""] * fees, "iban": [""] * fees, "strd": [""] * fees,
                 "ustrd": [f"Beheerskosten zichtrekening {tables.day_of(d):%m/%Y}" for d in days.tolist()],
                 "e2e": [""] * fees})
    refunds = counts["tax_refund"]
    made.append({"day": days[rng.integers(0, len(days), refunds)],
                 "amount": rng.integers(150_000, 900_001, refunds), "kind": np.full(refunds, K["tax_refund"]),
                 "name": ["FOD FINANCIEN"] * refunds, "iban": fresh_ibans(rng, refunds), "strd": [""] * refunds,
                 "ustrd": ["TERUGBETALING BTW-TEGOED"] * refunds, "e2e": _end_to_end(rng, refunds)})
    unknown = counts["unknown"]
    who = rng.integers(0, len(UNKNOWN_PAYERS), unknown).tolist()
    texts = [text for _, text in demo.UNKNOWN_PAYERS] + ["Gift", "Bijdrage", "Voorschot"]
    made.append({"day": days[rng.integers(0, len(days), unknown)],
                 "amount": rng.integers(30, 241, unknown) * 500, "kind": np.full(unknown, K["unknown"]),
                 "name": [UNKNOWN_PAYERS[i] for i in who], "iban": fresh_ibans(rng, unknown),
                 "strd": [""] * unknown, "ustrd": [texts[i % len(texts)] for i in who],
                 "e2e": _end_to_end(rng, unknown)})
    return {"lines": made}


def make_bank_lines(seed: int, inv: tables.InvoiceTable, cust: tables.CustomerTable, as_of: dt.date) -> BankLines:
    """The statement's lines, from numpy's generator seeded with `seed`, in booking order."""
    rng = np.random.default_rng(seed)
    days = statement_days(as_of)
    payments = _payments(rng, inv, cust, days)
    parts = payments["lines"] + _unrelated(rng, len(inv), days)["lines"]
    for part in parts:
        part.setdefault("invoice", np.full(len(part["day"]), -1))
        part.setdefault("partner", np.full(len(part["day"]), -1))
    day = np.concatenate([p["day"] for p in parts]).astype(np.int64)
    order = np.lexsort((rng.random(len(day)), day))
    pick = order.tolist()

    def column(name: str) -> list[str]:
        joined = [value for part in parts for value in part[name]]
        return [joined[i] for i in pick]

    stamps = {d: f"{tables.day_of(d):%Y%m%d}" for d in np.unique(day).tolist()}
    day = day[order]
    refs = [f"{stamps[d]}{n:07d}" for n, d in enumerate(day.tolist(), start=1)]
    return BankLines(day=day, amount=np.concatenate([p["amount"] for p in parts]).astype(np.int64)[order],
                     kind=np.concatenate([p["kind"] for p in parts]).astype(np.int64)[order],
                     name=column("name"), iban=column("iban"), strd=column("strd"), ustrd=column("ustrd"),
                     e2e=column("e2e"), ref=refs, invoice=np.concatenate([p["invoice"] for p in parts])[order],
                     partner=np.concatenate([p["partner"] for p in parts])[order], paid_invoices=payments["paid"],
                     opening=int(rng.integers(1_500_000, 6_000_001)))


# --- writing ------------------------------------------------------------------------------------------------------

CHUNK = 100_000
CAMT_NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
KBC_HEADER = ("Rekeningnummer;Rubrieknaam;Naam;Munt;Afschriftnummer;Datum;Omschrijving;Valuta;Bedrag;Saldo;credit;"
              "debet;rekeningnummer tegenpartij;BIC tegenpartij;Naam tegenpartij;Adres tegenpartij;"
              "gestructureerde mededeling;Vrije mededeling")
KBC_DESCRIPTION = {"supplier": "EUROPESE OVERSCHRIJVING NAAR", "fee": "BEHEERSKOSTEN",
                   "collection": "EUROPESE DOMICILIERING", "returned": "TERUGBETALING EUROPESE DOMICILIERING"}


def _family(kind: str) -> str:
    name = {"supplier": "debit", "collection": "collection", "returned": "returned", "fee": "fee"}.get(kind, "credit")
    domain, family, sub = FAMILY[name]
    return f"<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>"


def _xml(text: str) -> str:
    return escape(text) if ("&" in text or "<" in text or ">" in text) else text


def _dot_amounts(cents: np.ndarray) -> list[str]:
    magnitude = np.abs(cents)
    return [f"{u}.{c:02d}" for u, c in zip((magnitude // 100).tolist(), (magnitude % 100).tolist(), strict=True)]


def _camt_entries(lines: BankLines, start: int, stop: int) -> Iterator[str]:
    families = [_family(kind) for kind in KINDS]
    amounts = _dot_amounts(lines.amount[start:stop])
    dates = {d: tables.day_of(d).isoformat() for d in np.unique(lines.day[start:stop]).tolist()}
    fee, returned = K["fee"], K["returned"]
    for i, (kind, cents, day) in enumerate(zip(lines.kind[start:stop].tolist(), lines.amount[start:stop].tolist(),
                                              lines.day[start:stop].tolist(), strict=True), start=start):
        amount, date, ref = amounts[i - start], dates[day], lines.ref[i]
        head = (f'      <Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{"CRDT" if cents > 0 else "DBIT"}</CdtDbtInd>'
                f'{"<RvslInd>true</RvslInd>" if kind == returned else ""}<Sts>BOOK</Sts>'
                f"<BookgDt><Dt>{date}</Dt></BookgDt><ValDt><Dt>{date}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
                f"{families[kind]}")
        if kind == fee:
            yield f"{head}<AddtlNtryInf>{lines.ustrd[i]}</AddtlNtryInf></Ntry>\n"
            continue
        role = "Dbtr" if cents > 0 or kind == returned else "Cdtr"
        remittance = f"<Ustrd>{_xml(lines.ustrd[i])}</Ustrd>" if lines.ustrd[i] else ""
        strd = lines.strd[i]
        if strd:
            issuer = "ISO" if strd.startswith("RF") else "BBA"
            remittance += (f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>{issuer}</Issr></Tp>"
                           f"<Ref>{strd}</Ref></CdtrRefInf></Strd>")
        why = ""
        if kind == returned:
            code = lines.ustrd[i].rsplit(" ", 1)[-1]
            why = f"<RtrInf><Rsn><Cd>{code}</Cd></Rsn></RtrInf>"
        yield (f"{head}<NtryDtls><TxDtls><Refs><AcctSvcrRef>{ref}</AcctSvcrRef><EndToEndId>{lines.e2e[i]}"
               f"</EndToEndId></Refs><RltdPties><{role}><Nm>{_xml(lines.name[i])}</Nm></{role}><{role}Acct><Id>"
               f"<IBAN>{lines.iban[i]}</IBAN></Id></{role}Acct></RltdPties>"
               f"{f'<RmtInf>{remittance}</RmtInf>' if remittance else ''}{why}</TxDtls></NtryDtls></Ntry>\n")


def _camt_head(lines: BankLines, as_of: dt.date) -> str:
    first, last = tables.day_of(int(lines.day.min())), tables.day_of(int(lines.day.max()))
    credits = lines.amount[lines.amount > 0]
    debits = -lines.amount[lines.amount < 0]
    net = int(lines.amount.sum())
    closing = lines.opening + net

    def money(cents: int) -> str:
        return f"{abs(cents) // 100}.{abs(cents) % 100:02d}"

    def balance(kind: str, cents: int, day: dt.date) -> str:
        return (f'      <Bal><Tp><CdOrPrtry><Cd>{kind}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{money(cents)}</Amt>'
                f"<CdtDbtInd>{'CRDT' if cents >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>\n")

    number = int(f"{last:%j}")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{CAMT_NS}">\n  <BkToCstmrStmt>\n'
            f"    <GrpHdr><MsgId>{demo.COMPANY_BIC}{last:%Y%m%d}{number:03d}</MsgId>"
            f"<CreDtTm>{as_of.isoformat()}T06:12:00</CreDtTm></GrpHdr>\n    <Stmt>\n"
            f"      <Id>{last:%Y}-{number:03d}</Id><ElctrncSeqNb>{number}</ElctrncSeqNb>"
            f"<CreDtTm>{as_of.isoformat()}T06:12:00</CreDtTm>\n"
            f"      <FrToDt><FrDtTm>{first.isoformat()}T00:00:00</FrDtTm><ToDtTm>{last.isoformat()}T23:59:59</ToDtTm>"
            f"</FrToDt>\n      <Acct><Id><IBAN>{COMPANY_IBAN}</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>{COMPANY_NAME}</Nm>"
            f"</Ownr><Svcr><FinInstnId><BIC>{demo.COMPANY_BIC}</BIC></FinInstnId></Svcr></Acct>\n"
            + balance("OPBD", lines.opening, first - dt.timedelta(days=1)) + balance("CLBD", closing, last)
            + f"      <TxsSummry><TtlNtries><NbOfNtries>{len(lines)}</NbOfNtries>"
            f"<Sum>{money(int(credits.sum() + debits.sum()))}</Sum><TtlNetNtryAmt>{money(net)}</TtlNetNtryAmt>"
            f"<CdtDbtInd>{'CRDT' if net >= 0 else 'DBIT'}</CdtDbtInd></TtlNtries><TtlCdtNtries>"
            f"<NbOfNtries>{len(credits)}</NbOfNtries><Sum>{money(int(credits.sum()))}</Sum></TtlCdtNtries>"
            f"<TtlDbtNtries><NbOfNtries>{len(debits)}</NbOfNtries><Sum>{money(int(debits.sum()))}</Sum>"
            f"</TtlDbtNtries></TxsSummry>\n")


def write_camt(path: Path, lines: BankLines, as_of: dt.date) -> None:
    """A camt.053.001.02 statement of the company's account: one entry per line, each on a line of its own."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(_camt_head(lines, as_of))
        for start in range(0, len(lines), CHUNK):
            out.write("".join(_camt_entries(lines, start, min(start + CHUNK, len(lines)))))
        out.write("    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n")


def _comma_amounts(cents: np.ndarray) -> list[str]:
    magnitude = np.abs(cents)
    return [f"{'-' if s else ''}{u},{c:02d}" for s, u, c in
            zip((cents < 0).tolist(), (magnitude // 100).tolist(), (magnitude % 100).tolist(), strict=True)]


def write_kbc(path: Path, lines: BankLines) -> None:
    """The same lines as a KBC account-history CSV (io/profiles/kbc.yaml): ';', DD/MM/YYYY, decimal comma, the
    running balance, the OGM as +++123/4567/89012+++; unpadded, unquoted (no field holds a ';')."""
    description = [KBC_DESCRIPTION.get(kind, "EUROPESE OVERSCHRIJVING VAN") for kind in KINDS]
    balance = lines.opening + np.cumsum(lines.amount)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(KBC_HEADER + "\n")
        for start in range(0, len(lines), CHUNK):
            stop = min(start + CHUNK, len(lines))
            cents = lines.amount[start:stop]
            amounts, saldo = _comma_amounts(cents), _comma_amounts(balance[start:stop])
            dates = {d: f"{tables.day_of(d):%d/%m/%Y}" for d in np.unique(lines.day[start:stop]).tolist()}
            rows = []
            for i, (kind, day, sign) in enumerate(zip(lines.kind[start:stop].tolist(), lines.day[start:stop].tolist(),
                                                      (cents > 0).tolist(), strict=True), start=start):
                strd = lines.strd[i]
                if len(strd) == 12 and strd.isdigit():
                    strd = f"+++{strd[:3]}/{strd[3:7]}/{strd[7:]}+++"
                amount, date = amounts[i - start], dates[day]
                rows.append(f"{COMPANY_IBAN};;{COMPANY_NAME.upper()};EUR;{date[6:]}{date[3:5]};{date};"
                            f"{description[kind]};{date};{amount};{saldo[i - start]};{amount if sign else ''};"
                            f"{'' if sign else amount};{lines.iban[i]};;{lines.name[i]};;{strd};{lines.ustrd[i]}\n")
            out.write("".join(rows))


def write_truth(path: Path, lines: BankLines, inv: tables.InvoiceTable) -> None:
    """bank-truth.csv: per line the txn_id arctl gives it (account:AcctSvcrRef), its kind and the invoices it was
    made to pay (space separated; none for unrelated lines and the returns)."""
    paying = lines.invoice >= 0
    first = np.full(len(lines), "", dtype=object)
    first[paying] = tables.invoice_numbers(inv, lines.invoice[paying])
    both = lines.partner >= 0
    first[both] = [f"{a} {b}" for a, b in zip(first[both].tolist(), tables.invoice_numbers(inv, lines.partner[both]),
                                                strict=True)]
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("bank_txn,kind,invoices\n")
        out.write("".join(f"{COMPANY_IBAN}:{ref},{KINDS[kind]},{numbers}\n" for ref, kind, numbers in
                          zip(lines.ref, lines.kind.tolist(), first.tolist(), strict=True)))
