"""The canonical data: declared frame columns, and the small frozen records passed between layers."""

from __future__ import annotations

from dataclasses import dataclass

# invoices: one row per invoice or credit note (ARCHITECTURE.md, "Canonical data")
INVOICE_COLUMNS: dict[str, str] = {
    "invoice_id": "str",
    "customer_id": "str",
    "customer_name": "str",
    "issue_date": "datetime64[s]",
    "due_date": "datetime64[s]",
    "currency": "str",
    "amount": "int64",
    "open_amount": "int64",
    "reference": "str",
    "email": "str",
    "phone": "str",
    "language": "str",
    "country": "str",
    "vat_number": "str",
    "segment": "str",
    "dunning_level": "str",
    "last_reminder_date": "datetime64[s]",
    "document": "str",
    "source": "str",
}

CUSTOMER_COLUMNS: dict[str, str] = {
    "customer_id": "str",
    "name": "str",
    "email": "str",
    "phone": "str",
    "language": "str",
    "country": "str",
    "street": "str",
    "postal_code": "str",
    "city": "str",
    "vat_number": "str",
    "segment": "str",
    "credit_limit": "Int64",
    "consumer": "boolean",
    "iban": "str",
    "channel": "str",
    "contact": "str",
    "source": "str",
}

# Columns a profile may map that are read but not kept as such (they shape other columns).
INVOICE_INPUT_ONLY = ("paid_amount", "status", "document_type")
INVOICE_DATE_COLUMNS = ("issue_date", "due_date", "last_reminder_date")
INVOICE_MONEY_COLUMNS = ("amount", "open_amount", "paid_amount")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with one row (or the whole file when `row` is None), where a person can find it.

    `severity` "error" makes the row unusable; "warning" keeps the row and flags the value.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = "error"

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(str(self.row))
        if self.column:
            parts.append(self.column)
        return ":".join(parts)
