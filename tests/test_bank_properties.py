"""Generated bank statements, written from the formats' own descriptions (ISO 20022 camt.053 versions .001.02
and .001.08; SWIFT MT940 as the Dutch and Belgian banks write it; Febelfin's CODA 2.x of 128-character
records), are read with exactly the amounts, signs, dates, names and references written. Broken ones are refused
as a user's file is refused: an ArctlError naming the file, or a finding naming its line. Never another
exception."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from arctl.errors import ArctlError
from arctl.io.bank.read import read_bank
from arctl.refs import generate_ogm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_bank_coda import header, movement, new_balance, old_balance, record, trailer  # noqa: E402

# Every generated file is read (or refused) within 5 s, on a busy machine too: a slower one fails the test.
INPUT_DEADLINE = dt.timedelta(seconds=5)
SETTINGS = settings(max_examples=40, deadline=INPUT_DEADLINE,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ACCOUNT = "BE05068123456775"

# names and texts as payers write them: accents, XML's own characters, Jinja and spreadsheet syntax
WORDS = st.text(st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCZ0123456789éèçüößøå&<>'\"=+-@{}%#/.,()")),
                min_size=1, max_size=12)
TEXTS = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)


@dataclass(frozen=True)
class Entry:
    cents: int
    credit: bool
    booked: dt.date
    name: str
    ogm: int | None       # the number an OGM is generated from, or None: a free text instead
    text: str

    @property
    def signed(self) -> int:
        return self.cents if self.credit else -self.cents


entries = st.lists(st.builds(
    Entry, cents=st.integers(1, 10**11), credit=st.booleans(), booked=st.dates(dt.date(2020, 1, 1),
                                                                               dt.date(2030, 12, 31)),
    name=TEXTS, ogm=st.one_of(st.none(), st.integers(1, 10**9)), text=TEXTS), min_size=1, max_size=10)


def _money(cents: int, mark: str = ".") -> str:
    return f"{cents // 100}{mark}{cents % 100:02d}"


def camt(items: list[Entry], version: str, declaration: bool) -> str:
    body = []
    for n, item in enumerate(items):
        side = "Dbtr" if item.credit else "Cdtr"
        remittance = (f"<Strd><CdtrRefInf><Ref>{generate_ogm(item.ogm)}</Ref></CdtrRefInf></Strd>" if item.ogm
                      else f"<Ustrd>{escape(item.text)}</Ustrd>")
        body.append(f"<Ntry><Amt Ccy=\"EUR\">{_money(item.cents)}</Amt><CdtDbtInd>{'CRDT' if item.credit else 'DBIT'}"
                    f"</CdtDbtInd><Sts>{'<Cd>BOOK</Cd>' if version == '08' else 'BOOK'}</Sts><BookgDt><Dt>"
                    f"{item.booked}</Dt></BookgDt><AcctSvcrRef>REF-{n}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties>"
                    f"<{side}>{'<Pty>' if version == '08' else ''}<Nm>{escape(item.name)}</Nm>"
                    f"{'</Pty>' if version == '08' else ''}</{side}></RltdPties><RmtInf>{remittance}</RmtInf>"
                    "</TxDtls></NtryDtls></Ntry>")
    return (("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" if declaration else "")
            + f"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}\"><BkToCstmrStmt><GrpHdr>"
            "<MsgId>M1</MsgId><CreDtTm>2026-11-21T08:00:00</CreDtTm></GrpHdr><Stmt><Id>S1</Id><Acct><Id><IBAN>"
            f"{ACCOUNT}</IBAN></Id></Acct>{''.join(body)}</Stmt></BkToCstmrStmt></Document>")


def squeezed(text: str) -> str:
    return " ".join(text.split())


@SETTINGS
@given(items=entries, version=st.sampled_from(["02", "08"]), declaration=st.booleans(), bom=st.booleans())
def test_a_camt_053_statement_is_read_with_the_values_written(tmp_path, items, version, declaration, bom):
    path = tmp_path / "statement.xml"
    path.write_bytes(("\ufeff" if bom else "").encode() + camt(items, version, declaration).encode("utf-8"))

    read = read_bank(path)

    assert read.format.startswith("camt.053") and not [f for f in read.findings if f.severity == "error"]
    lines = read.frame.set_index("bank_ref")
    for n, item in enumerate(items):
        line = lines.loc[f"REF-{n}"]
        assert (line["amount"], line["booking_date"].date()) == (item.signed, item.booked)
        assert line["counterparty_name"] == squeezed(item.name)
        if item.ogm:
            assert line["structured_ref"] == generate_ogm(item.ogm)
        else:
            assert squeezed(line["remittance"]) == squeezed(item.text)


BROKEN_CAMT = [("<Amt Ccy=\"EUR\">", "<Amt Ccy=\"EUR\">1,2.3"), ("<BookgDt><Dt>", "<BookgDt><Dt>2026-02-30T"),
               ("<CdtDbtInd>CRDT</CdtDbtInd>", ""), ("</Ntry>", ""), ("<Document", "<Document><!DOCTYPE x [<!ENTITY a "
                                                                        "\"aaaa\">]>")]


@SETTINGS
@given(items=entries, version=st.sampled_from(["02", "08"]), broken=st.sampled_from(BROKEN_CAMT))
def test_a_broken_camt_statement_is_refused_naming_the_file_or_its_line(tmp_path, items, version, broken):
    path = tmp_path / "statement.xml"
    old, new = broken
    text = camt(items, version, True)
    assume(old in text)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

    try:
        read = read_bank(path)
    except ArctlError as refused:
        assert path.name in str(refused)
        return
    problems = [f for f in read.findings if f.severity == "error"]
    assert problems and all(f.file and f.row for f in problems)


def mt940(items: list[Entry], opening: int) -> str:
    closing = opening + sum(item.signed for item in items)
    lines = [":20:STARTUMS", f":25:{ACCOUNT}", ":28C:00042/001",
             f":60F:{'C' if opening >= 0 else 'D'}{items[0].booked:%y%m%d}EUR{_money(abs(opening), ',')}"]
    for n, item in enumerate(items):
        lines.append(f":61:{item.booked:%y%m%d}{item.booked:%m%d}{'C' if item.credit else 'D'}"
                     f"{_money(item.cents, ',')}NTRFREF{n}//B{n}")
        lines.append(f":86:{item.text[:65]}")
    lines += [f":62F:{'C' if closing >= 0 else 'D'}{items[-1].booked:%y%m%d}EUR{_money(abs(closing), ',')}", "-"]
    return "\r\n".join(lines) + "\r\n"


@SETTINGS
@given(items=entries, opening=st.integers(-10**9, 10**9))
def test_an_mt940_statement_is_read_with_the_amounts_signs_and_dates_written(tmp_path, items, opening):
    path = tmp_path / "statement.sta"
    path.write_bytes(mt940(items, opening).encode("latin-1", errors="replace"))

    read = read_bank(path)

    assert read.format == "mt940"
    assert not [f for f in read.findings if f.severity == "error"], read.findings
    assert list(read.frame["amount"]) == [item.signed for item in items]
    assert [d.date() for d in read.frame["booking_date"]] == [item.booked for item in items]


@SETTINGS
@given(items=entries, cut=st.integers(1, 40), data=st.data())
def test_an_mt940_statement_cut_anywhere_is_read_or_refused_naming_the_file(tmp_path, items, cut, data):
    text = mt940(items, 0)
    at = data.draw(st.integers(0, len(text) - 1))
    path = tmp_path / "statement.sta"
    path.write_bytes((text[:at] + text[at + cut:]).encode("latin-1", errors="replace"))

    try:
        read = read_bank(path)
    except ArctlError as refused:
        assert path.name in str(refused)
        return
    assert all(f.file for f in read.findings)


def coda(items: list[Entry]) -> list[str]:
    lines = [header("211126"), old_balance("0" * 15, "042", "201126")]
    for n, item in enumerate(items):
        communication = (f"101{generate_ogm(item.ogm)}" if item.ogm else item.text.encode("cp1252", "replace")
                         .decode("cp1252")[:53])
        lines.append(movement(f"{n + 1:04d}", f"{item.cents * 10:015d}", sign="0" if item.credit else "1",
                              date=f"{item.booked:%d%m%y}", comm=communication,
                              structured="1" if item.ogm else "0"))
    total = sum(item.signed for item in items) * 10
    lines += [new_balance(f"{abs(total):015d}", "042", "211126", "0" if total >= 0 else "1"),
              trailer(len(lines) - 1)]
    return lines


@SETTINGS
@given(items=entries.filter(lambda items: all(i.cents * 10 < 10**15 for i in items)))
def test_a_coda_statement_is_read_with_the_amounts_signs_dates_and_references_written(tmp_path, items):
    path = tmp_path / "statement.cod"
    path.write_bytes("\n".join(coda(items)).encode("cp1252", errors="replace") + b"\n")

    read = read_bank(path)

    assert read.format == "coda"
    assert not [f for f in read.findings if f.severity == "error"], read.findings
    assert list(read.frame["amount"]) == [item.signed for item in items]
    assert [d.date() for d in read.frame["booking_date"]] == [item.booked for item in items]
    for line, item in zip(read.frame.itertuples(), items, strict=True):
        if item.ogm:
            assert line.structured_ref == generate_ogm(item.ogm)


@SETTINGS
@given(items=entries.filter(lambda items: all(i.cents * 10 < 10**15 for i in items)), data=st.data())
def test_a_coda_record_damaged_anywhere_is_refused_naming_the_file_or_a_finding_names_its_line(tmp_path, items,
                                                                                              data):
    lines = coda(items)
    victim = data.draw(st.integers(0, len(lines) - 1))
    at = data.draw(st.integers(0, 127))
    lines[victim] = lines[victim][:at] + data.draw(st.sampled_from(["X", "9", " ", "é"])) + lines[victim][at + 1:]
    path = tmp_path / "statement.cod"
    path.write_bytes("\n".join(lines).encode("cp1252", errors="replace") + b"\n")

    try:
        read = read_bank(path)
    except ArctlError as refused:
        assert path.name in str(refused)
        return
    assert all(f.file and (f.row or f.row is None) for f in read.findings)


def test_the_coda_builder_writes_records_of_128_characters():
    assert {len(line) for line in coda([Entry(1210_00, True, dt.date(2026, 11, 20), "Peeters", 42, "x")])} == {128}
    assert len(record({1: "2"})) == 128
