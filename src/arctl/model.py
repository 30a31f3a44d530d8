"""The canonical data: declared frame columns, and the small frozen records passed between layers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from arctl.match_settings import MatchSettings as MatchSettings  # its old home, still imported from here
from arctl.text import action_name as action_name  # these text helpers' old home, still imported from here
from arctl.text import csv_cell as csv_cell
from arctl.text import formula_safe as formula_safe
from arctl.text import safe_name as safe_name
from arctl.text import terminal_text as terminal_text

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

# bank lines: one row per booked transaction (ARCHITECTURE.md, "Canonical data")
BANK_COLUMNS: dict[str, str] = {
    "txn_id": "str",
    "account_iban": "str",
    "booking_date": "datetime64[s]",
    "value_date": "datetime64[s]",
    "amount": "int64",
    "currency": "str",
    "counterparty_name": "str",
    "counterparty_iban": "str",
    "structured_ref": "str",
    "remittance": "str",
    "reversal": "bool",
    "bank_ref": "str",
    "source": "str",
}

# Columns a profile may map that are read but not kept as such (they shape other columns).
INVOICE_INPUT_ONLY = ("paid_amount", "status", "document_type")
INVOICE_DATE_COLUMNS = ("issue_date", "due_date", "last_reminder_date")
INVOICE_MONEY_COLUMNS = ("amount", "open_amount", "paid_amount")
# What a bank profile may map: the bank-line columns a file can state (not txn_id, which is derived, nor
# source), and the input-only columns that shape them: credit and debit amounts in columns of their own,
# the column that says credit or debit (`direction`), the column that marks a reversal (`reversal`, read
# as text) and the one that says whether the bank executed the transaction (`status`).
BANK_INPUT_COLUMNS = ("account_iban", "booking_date", "value_date", "amount", "credit_amount", "debit_amount",
                      "direction", "currency", "counterparty_name", "counterparty_iban", "structured_ref",
                      "remittance", "reversal", "status", "bank_ref")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with one row (or the whole file when `row` is None), where a person can find it.

    `column` is the header as the file shows it, `field` the canonical column it maps to;
    `severity` "error" makes the row unusable, "warning" keeps the row and flags the value.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = "error"
    field: str | None = None

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(str(self.row))
        if self.column:
            parts.append(self.column)
        return ":".join(parts)


# The date formats arctl reads, by the name a user writes (in a profile, a source or --date-format).
DATE_FORMATS: dict[str, str] = {
    "YYYY-MM-DD": "%Y-%m-%d",
    "YYYYMMDD": "%Y%m%d",
    "YYYY/MM/DD": "%Y/%m/%d",
    "DD-MM-YYYY": "%d-%m-%Y",
    "DD/MM/YYYY": "%d/%m/%Y",
    "DD.MM.YYYY": "%d.%m.%Y",
    "DD/MM/YY": "%d/%m/%y",
    "DD-MM-YY": "%d-%m-%y",
    "DD.MM.YY": "%d.%m.%y",
    "MM/DD/YYYY": "%m/%d/%Y",
    "MM-DD-YYYY": "%m-%d-%Y",
    "MM/DD/YY": "%m/%d/%y",
}


def canonical_columns(kind: str) -> tuple[str, ...]:
    """The columns a profile may map for `kind` (invoices, customers or bank)."""
    if kind == "invoices":
        return tuple(c for c in INVOICE_COLUMNS if c != "source") + INVOICE_INPUT_ONLY
    if kind == "bank":
        return BANK_INPUT_COLUMNS
    return tuple(c for c in CUSTOMER_COLUMNS if c != "source")


@dataclass(frozen=True, slots=True)
class Located:
    """A value read from YAML with the file line it stands on (1-based): dicts, lists, text or None."""

    value: Any
    line: int


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read an export; every field left None is detected from the file."""

    kind: str | None = None
    profile: str | None = None
    sheet: str | None = None
    currency: str | None = None
    date_format: str | None = None
    decimal: str | None = None
    delimiter: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    profile_dirs: tuple[Path, ...] = ()


MATCH_RULES = ("structured_reference", "invoice_number", "payer_amount", "payer_subset", "name_amount",
               "credit_note", "manual")


@dataclass(frozen=True, slots=True)
class Match:
    """One allocation of (part of) a bank transaction to an invoice."""

    bank_txn: str
    invoice_id: str
    amount: int
    currency: str
    rule: str
    confidence: float
    status: str                            # "auto" (applied) or "suggested" (a person decides)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A bank line that paid nothing (yet), and why."""

    bank_txn: str
    amount: int
    currency: str
    counterparty: str
    reason: str


@dataclass(frozen=True, slots=True)
class Rate:
    """A yearly statutory interest rate for a period (both dates inclusive), as published."""

    valid_from: dt.date
    valid_to: dt.date
    percent: Decimal
    source: str = ""
    confidence: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    """A customer as documents address them: the customer master with what a person set applied."""

    customer_id: str
    name: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    language: str = ""
    channel: str = ""           # the channel the customer prefers (email or letter), "" when none


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One line of a statement of account (reports/statement.py), in date order: an open item (an invoice, or a
    credit note as a negative amount) with what was open of it when the period began, a payment of the period
    (negative: what it paid on the customer's items), or a payment not yet allocated (negative)."""

    kind: str                   # invoice, credit_note, payment, refund (paid back on a credit note), unapplied
    date: dt.date
    reference: str              # the invoice number; a payment's bank reference
    amount: int                 # minor units, signed: what the line adds to the balance
    balance: int                # the running balance after this line
    due_date: dt.date | None = None
    gross: int | None = None    # an item's invoice amount, where it differs from `amount` (paid before the period)
    paid: tuple[str, ...] = ()  # a payment: the invoices it paid
    payer: str = ""             # a payment: the payer's name as the bank gives it
    status: str = ""            # an item not dunned now: disputed, promised, held


@dataclass(frozen=True, slots=True)
class AccountStatement:
    """A customer's statement of account in one currency: the lines with their running balance, from
    `period_start` to `as_of`. `closing_balance` is what the customer owes (negative: what is owed to them);
    `overdue` the part of it past its due date; `paused` the open amount of items not dunned now (disputed ...)."""

    customer_id: str
    currency: str
    period_start: dt.date
    as_of: dt.date
    lines: tuple[StatementLine, ...]
    closing_balance: int
    overdue: int
    paused: int = 0

    @property
    def to_pay(self) -> int:
        """What a transfer asks for: the balance less the paused items, nothing when that is not positive."""
        return max(self.closing_balance - self.paused, 0)


@dataclass(frozen=True, slots=True)
class ActionLine:
    """An invoice or credit note a dunning document lists, as it stands on the day of the action."""

    invoice_id: str
    due_date: dt.date | None
    open_amount: int
    customer_name: str = ""
    reference: str = ""
    interest_from: dt.date | None = None   # where the document claims interest: the day after the due date
    step: str = ""      # a step's document: the plan step this invoice is at (a lower step joins a higher one)
    status: str = ""    # a statement: why it is not dunned (disputed, held, promised, payment_plan, with_agency)
    document: str = ""  # the export's copy of the invoice: a path in the workspace or a URL ("" when none)
    issue_date: dt.date | None = None   # the invoice date, where the export has it
    amount: int | None = None           # the invoice's gross amount, where the export has it


@dataclass(frozen=True, slots=True)
class PaymentReference:
    """The structured reference a document asks to be paid with: its scheme ("ogm", "rf" or "nl"), compact
    value and printed form, and — for a reference made for the document — the invoices (and credit notes) a
    payment quoting it pays, oldest first (dunning/references.py)."""

    kind: str
    value: str
    printed: str
    covers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InterestPeriod:
    """One stretch of an invoice's interest at one rate on one principal, as a letter lists it: `amount` is the
    period's interest rounded half up on its own (the claim's total is rounded once, so it may differ from the
    sum of the periods by a cent)."""

    invoice_id: str
    start_date: dt.date
    end_date: dt.date
    days: int
    percent: str                # the rate as the rate table writes it ("10.50")
    principal: int
    amount: int


@dataclass(frozen=True, slots=True)
class Cost:
    """What a step adds to the claim, on which legal basis, and (interest) up to which day, per period."""

    kind: str                   # compensation, interest, fee, damages, collection_costs
    amount: int
    basis: str
    until: dt.date | None = None
    periods: tuple[InterestPeriod, ...] = ()


@dataclass(frozen=True, slots=True)
class InstallmentDue:
    """The installment of a payment plan that an installment reminder is for."""

    payment_plan: int
    number: int
    due_date: dt.date


@dataclass(frozen=True, slots=True)
class Action:
    """One document due today, decided whole: for one customer, step, channel and currency, its invoices,
    the costs it claims, what is due in total and by when, and how it actually goes.

    `kind` is "step" (a step of the dunning plan), "statement" (a scheduled statement of account) or
    "installment" (a payment plan's installment reminder). `planned_channel` is the plan's channel;
    `channel` the one used after the customer's address and preference ("person": nobody can be reached
    the planned way, a person must act).
    """

    kind: str
    customer_id: str
    plan: str
    step: str
    planned_channel: str
    channel: str
    currency: str
    lines: tuple[ActionLine, ...]
    amount_due: int
    costs: tuple[Cost, ...] = ()
    pay_by: dt.date | None = None
    template: str | None = None
    other_overdue: tuple[ActionLine, ...] = ()
    installment: InstallmentDue | None = None
    credits: tuple[ActionLine, ...] = ()    # the customer's open credit notes in this currency (negative amounts)
    payment_reference: PaymentReference | None = None   # given by the run (dunning/references.py)
    announced: tuple[Cost, ...] = ()        # what a later step of the plan would claim (a letter states it)
    consumer: str = ""                      # the plan's consumer law (BE, NL) or "" (business customers)

    @property
    def invoices(self) -> tuple[str, ...]:
        return tuple(line.invoice_id for line in self.lines)

    @property
    def total_due(self) -> int:
        return self.amount_due + sum(cost.amount for cost in self.costs)

    @property
    def credit_total(self) -> int:
        """What the customer's open credit notes take off (a positive amount)."""
        return -sum(line.open_amount for line in self.credits)

    @property
    def net_due(self) -> int:
        """What the customer is asked to pay: the total less their open credit notes."""
        return max(self.total_due - self.credit_total, 0)

    @property
    def interest_until(self) -> dt.date | None:
        return next((cost.until for cost in self.costs if cost.kind == "interest"), None)


# --- report results: computed by reports/, written by render/ ------------------------------------------


@dataclass(frozen=True, slots=True)
class AgingRow:
    """Open amounts of one customer (or, with no customer, of all customers) in one currency, per bucket."""

    customer_id: str | None
    name: str | None
    currency: str
    total: int
    buckets: tuple[int, ...]
    invoices: int
    credits: int = 0                       # the credit notes and unapplied payments inside `total` (0 or less)


@dataclass(frozen=True, slots=True)
class AgingItem:
    """One open item of a detailed aging (`--detail`), listed under its customer: an invoice, or, as a negative
    amount aged by its own date, a credit note or a payment not applied to any invoice."""

    customer_id: str
    currency: str
    kind: str                              # "invoice", "credit_note" or "payment"
    reference: str                         # the invoice number, or the bank line's txn_id for a payment
    issue_date: dt.date | None
    due_date: dt.date | None
    days: int | None                       # days past the date aged by (None: undated)
    bucket: int | None                     # index into AgingReport.labels (None: undated)
    amount: int                            # open amount in the report's currency (negative for credits)


@dataclass(frozen=True, slots=True)
class AgingRate:
    """A conversion used by `aging --currency X --rates FILE`: one unit of `currency` is `rate` units of the
    report's currency (a decimal string as given in the file, so it is shown exactly as the user wrote it)."""

    currency: str
    rate: str


@dataclass(frozen=True, slots=True)
class AgingReport:
    """The aging of the open invoices as of a date: one row per customer and currency, and totals per currency."""

    as_of: dt.date
    by: str                                # "due" (days past the due date) or "issue"
    labels: tuple[str, ...]                # the bucket labels, e.g. current, 1-30, 31-60, 61-90, 90+
    customers: tuple[AgingRow, ...]
    totals: tuple[AgingRow, ...]
    undated: int = 0                       # open invoices without the date they are aged by
    detail: tuple[AgingItem, ...] = ()     # with --detail: every open item, in the order of `customers`
    converted_to: str | None = None        # with --currency: every amount is in this currency
    rates: tuple[AgingRate, ...] = ()      # the rates the conversion used


@dataclass(frozen=True, slots=True)
class CurrencyTotal:
    """The invoices of an export in one currency: their gross and open amounts."""

    currency: str
    amount: int
    open_amount: int
    invoices: int


@dataclass(frozen=True, slots=True)
class BankTotal:
    """The bank lines of a statement in one currency: credits and debits (both positive) and the net."""

    currency: str
    credits: int
    debits: int
    amount: int                            # credits − debits
    lines: int


@dataclass(frozen=True, slots=True)
class KpiFigures:
    """The KPIs of one currency (customer_id None: all customers) or of one customer in one currency, over the
    report's period: amounts in minor units, days and percentages as unrounded floats (None: not defined, e.g.
    no credit sales in the period). README "KPIs" gives each formula."""

    customer_id: str | None
    name: str | None
    currency: str
    receivables: int                       # open at the end of the period (credit notes not yet used count less)
    current: int                           # of which current (KpiReport.current_days)
    overdue: int                           # of which 1 day or more past due
    credit_sales: int                      # invoices less credit notes issued in the period
    dso: float | None
    best_possible_dso: float | None
    average_days_delinquent: float | None  # dso − best_possible_dso
    average_days_to_pay: float | None      # over the invoices paid in the period
    average_days_late: float | None        # the same, days past the due date (0 when paid on time)
    invoices_paid: int
    oldest_days_overdue: int = 0
    begin_receivables: int = 0             # open the day before the period (totals only)
    countback_dso: float | None = None     # totals only
    cei: float | None = None               # collection effectiveness index in percent (totals only)

    @property
    def overdue_share(self) -> float | None:
        """Overdue ÷ all open, in percent (None when nothing is open)."""
        return 100.0 * self.overdue / self.receivables if self.receivables > 0 else None


@dataclass(frozen=True, slots=True)
class KpiMonth:
    """One month of the KPI trend in one currency: what was open at its end, and its DSO."""

    month: str                             # "2026-11"
    end_date: dt.date                      # the month's last day, or the report's date for its own month
    currency: str
    receivables: int
    overdue: int
    credit_sales: int                      # invoices less credit notes issued in the month (to end_date)
    dso: float | None                      # receivables ÷ credit_sales × the month's days (to end_date)


@dataclass(frozen=True, slots=True)
class KpiReport:
    """`arctl kpi`: the KPIs over a period ending at `as_of`, per currency, per customer, and month by month."""

    as_of: dt.date                         # the period's last day
    start: dt.date                         # its first day
    current_days: int                      # "current" = at most this many days past due (0: not yet due)
    cei_sales: str                         # "total" or "monthly_average": the credit sales CEI adds
    cei_months: int                        # the months the period counts for monthly_average
    totals: tuple[KpiFigures, ...]         # one per currency
    customers: tuple[KpiFigures, ...]
    top_overdue: tuple[KpiFigures, ...]    # the customers with most overdue, per currency
    trend: tuple[KpiMonth, ...]
    paid_by_bank: int                      # invoices paid in the period whose date is the bank payment's ...
    paid_by_snapshot: int                  # ... or the first snapshot that no longer listed them
    average_days_to_pay: float | None      # over every invoice paid in the period, all currencies
    average_days_late: float | None
    undated: int = 0                       # invoices without an issue date: in no period's credit sales

    @property
    def days(self) -> int:
        return (self.as_of - self.start).days + 1


@dataclass(frozen=True, slots=True)
class ColumnGuess:
    """One canonical column of an unknown layout: the header that seems to hold it ("" when none does), how
    it was found ("known name", "header words", "values") and whether every export of the kind needs it on
    its own (not as one of two, like customer id or customer name)."""

    column: str
    header: str
    how: str
    required: bool


@dataclass(frozen=True, slots=True)
class LayoutAnswer:
    """What `check` says about an export whose layout no profile reads: the headers found, the columns still
    missing, and a `sources:` entry with a `columns:` block to paste into arctl.yaml."""

    path: str
    kind: str
    headers: tuple[str, ...]
    guesses: tuple[ColumnGuess, ...]
    missing: tuple[str, ...]       # required columns neither found nor guessed ("amount or open_amount")
    block: str                     # YAML text, ready to paste under `sources:`
