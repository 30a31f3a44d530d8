"""Readers hand over frames in the declared canonical schema of model.py."""

from __future__ import annotations

from pathlib import Path

from arctl.io.export import read_export
from arctl.model import CUSTOMER_COLUMNS, INVOICE_COLUMNS

EXPORTS = Path(__file__).resolve().parents[1] / "examples" / "demo" / "exports"


def test_invoice_frames_have_the_declared_columns_and_dtypes():
    for name in ("openstaande_posten.csv", "open_items_export.xlsx"):
        frame = read_export(EXPORTS / name).frame
        assert list(frame.columns) == list(INVOICE_COLUMNS), name
        for column, dtype in INVOICE_COLUMNS.items():
            if dtype in ("int64", "datetime64[s]"):
                assert str(frame[column].dtype) == dtype, (name, column)


def test_customer_frames_have_the_declared_columns():
    frame = read_export(EXPORTS / "customers.csv").frame
    assert list(frame.columns) == list(CUSTOMER_COLUMNS)
    assert str(frame["credit_limit"].dtype) == "Int64"
    assert str(frame["consumer"].dtype) == "boolean"
