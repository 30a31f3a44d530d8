"""txn_ids a column at a time (io/bank/line_ids.py) are the ids lines.txn_ids gives record by record."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from arctl.io.bank.line_ids import SPACE
from arctl.io.bank.lines import BankRecord, bank_frame, txn_ids

DAY = dt.date(2026, 3, 2)


def record(amount: int = 1250, *, account: str = "BE05068123456775", name: str = "Janssens Techniek NV",
           iban: str = "BE20001909111156", remittance: str = "Factuur 2026/0412", ref: str = "", bank_ref: str = "",
           statement: str = "2026-061", value: dt.date | None = DAY, booked: dt.date = DAY,
           currency: str = "EUR") -> BankRecord:
    return BankRecord(account=account, booking_date=booked, value_date=value, amount=amount, currency=currency,
                      counterparty_name=name, counterparty_iban=iban, structured_ref=ref, remittance=remittance,
                      bank_ref=bank_ref, statement=statement, line=7)


RECORDS = [
    record(bank_ref="202603020001"),
    record(bank_ref="202603020001", amount=99),  # the same reference twice: both hashed
    record(bank_ref="202603020001", account="BE71096123456769"),  # unique within its own account
    record(), record(),  # two identical lines: occurrences 1 and 2
    record(statement="2026-062"),  # the same line in the next statement starts again at 1
    record(amount=-8595, name="Straße  Müller\u00a0GmbH", iban="de89 3704 0044 0532 0130 00"),
    record(name="STRASSE MÜLLER GMBH"),  # ß upper-cases to SS, as str.upper does
    record(name="ǆemal ﬁnance", remittance="line\x1cone\u3000two\u2028three\x0bfour \t"),
    record(remittance="  leading and   trailing  ", value=None),
    record(remittance="", name="", iban="", ref="RF18539007547034"),
    record(booked=dt.date(999, 1, 2), value=dt.date(2026, 12, 31), currency="JPY", amount=0),
]


def test_the_columns_give_the_ids_the_records_give():
    frame = bank_frame(RECORDS, "statement.xml")

    assert frame["txn_id"].tolist() == txn_ids(RECORDS)


def test_identical_lines_count_up_and_unique_references_stand_alone():
    ids = bank_frame(RECORDS, "statement.xml")["txn_id"].tolist()

    assert ids[2] == "BE71096123456769:202603020001"
    assert ids[0].startswith("BE05068123456775:h") and ids[1].startswith("BE05068123456775:h")
    # the first line (its reference is not unique) is the same transaction text as the next two
    assert ids[0].endswith("-1") and ids[3] == ids[0][:-2] + "-2" and ids[4] == ids[0][:-2] + "-3"
    assert ids[5] == ids[0]  # another statement


def test_the_white_space_class_is_what_python_splits_on():
    assert "".join(chr(code) for code in range(0x110000) if chr(code).isspace()) == SPACE
    assert all(len(f"a{space}b".split()) == 2 for space in SPACE)


def test_no_records_give_an_empty_frame_with_the_canonical_types():
    frame = bank_frame([], "empty.csv")

    assert len(frame) == 0
    assert str(frame["amount"].dtype) == "int64" and str(frame["booking_date"].dtype) == "datetime64[s]"
    assert isinstance(frame["txn_id"].dtype, pd.StringDtype)


def test_columns_held_in_several_arrow_chunks_give_the_same_ids():
    """A large CSV reaches the frame in chunks: the ids do not depend on how the text is held."""
    import pyarrow as pa

    from arctl.io.bank.lines import LINE_COLUMNS, lines_frame

    whole = bank_frame(RECORDS, "statement.xml")
    columns = {name: whole[name].reset_index(drop=True) for name in LINE_COLUMNS if name in whole}
    for name in ("account_iban", "bank_ref", "counterparty_name", "remittance"):
        values = whole[name].tolist()
        columns[name] = pd.Series(pa.chunked_array([values[:5], values[5:]], type=pa.large_string()), dtype=str)
    columns["statement"] = pd.Series([r.statement for r in RECORDS], dtype=str)
    columns["line"] = pd.Series([r.line for r in RECORDS], dtype="int64")

    assert lines_frame(columns, "statement.xml")["txn_id"].tolist() == txn_ids(RECORDS)
