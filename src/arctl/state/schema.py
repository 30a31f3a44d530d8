"""The state database's tables (SQLAlchemy Core) and the migrations that bring an older database up."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

imports = Table(
    "imports", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("path", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("records", Integer, nullable=False),
    Column("snapshot", Boolean, nullable=False, default=False),
    Column("taken_at", Text, nullable=False),       # when the export was made (file time, UTC ISO)
    Column("imported_at", Text, nullable=False),    # when arctl read it (UTC ISO)
    Column("as_of", Date, nullable=False),
    Column("outcome", String(32), nullable=False),  # applied, older_snapshot
    Column("closed", Integer, nullable=False, default=0),
    UniqueConstraint("path", "kind", "sha256", "taken_at", name="uq_import_file"),
)

_invoice_columns = (
    Column("invoice_id", String(128), primary_key=True),
    Column("customer_id", String(128), nullable=False, index=True),
    Column("customer_name", Text, nullable=False, default=""),
    Column("issue_date", Date),
    Column("due_date", Date),
    Column("currency", String(3), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("open_amount", BigInteger, nullable=False),     # as the accounting export last showed it
    Column("reference", Text, nullable=False, default=""),
    Column("email", Text, nullable=False, default=""),
    Column("phone", Text, nullable=False, default=""),
    Column("language", String(16), nullable=False, default=""),
    Column("country", String(2), nullable=False, default=""),
    Column("vat_number", Text, nullable=False, default=""),
    Column("segment", Text, nullable=False, default=""),
    Column("dunning_level", Text, nullable=False, default=""),
    Column("last_reminder_date", Date),
    Column("document", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("source_path", Text, nullable=False, default=""),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    Column("closed_on", Date),                             # missing from a newer complete snapshot
    Column("closed_import_id", Integer, ForeignKey("imports.id")),
)
invoices = Table("invoices", metadata, *_invoice_columns)

customers = Table(
    "customers", metadata,
    Column("customer_id", String(128), primary_key=True),
    Column("name", Text, nullable=False, default=""),
    Column("email", Text, nullable=False, default=""),
    Column("phone", Text, nullable=False, default=""),
    Column("language", String(16), nullable=False, default=""),
    Column("country", String(2), nullable=False, default=""),
    Column("street", Text, nullable=False, default=""),
    Column("postal_code", Text, nullable=False, default=""),
    Column("city", Text, nullable=False, default=""),
    Column("vat_number", Text, nullable=False, default=""),
    Column("segment", Text, nullable=False, default=""),
    Column("credit_limit", BigInteger),
    Column("consumer", Boolean, nullable=False, default=False),
    Column("iban", Text, nullable=False, default=""),
    Column("channel", Text, nullable=False, default=""),
    Column("contact", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
)

bank_lines = Table(
    "bank_lines", metadata,
    Column("txn_id", String(200), primary_key=True),
    Column("account_iban", String(64), nullable=False, index=True),
    Column("booking_date", Date, nullable=False),
    Column("value_date", Date),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("counterparty_name", Text, nullable=False, default=""),
    Column("counterparty_iban", Text, nullable=False, default=""),
    Column("structured_ref", Text, nullable=False, default=""),
    Column("remittance", Text, nullable=False, default=""),
    Column("reversal", Boolean, nullable=False, default=False),
    Column("bank_ref", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
)

matches = Table(
    "matches", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("bank_txn", String(200), ForeignKey("bank_lines.txn_id"), nullable=False, index=True),
    Column("invoice_id", String(128), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("rule", String(32), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("status", String(16), nullable=False),   # auto, suggested, confirmed, manual
    Column("note", Text, nullable=False, default=""),
    # the invoice export this allocation was made against: that export cannot have counted it yet
    Column("invoice_import_id", Integer, ForeignKey("imports.id")),
    Column("created_at", Text, nullable=False),
    Column("removed_at", Text),                     # unmatch, rejection or reversal: kept, never deleted
    Column("removed_reason", Text),
)

known_ibans = Table(
    "known_ibans", metadata,
    Column("iban", String(64), primary_key=True),
    Column("customer_id", String(128), nullable=False),
    Column("learned_at", Text, nullable=False),
    Column("bank_txn", String(200)),
)

# version 2: what pauses dunning, and what people wrote down

holds = Table(
    "holds", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target_kind", String(16), nullable=False),      # customer or invoice
    Column("target_id", String(128), nullable=False, index=True),
    Column("reason", String(16), nullable=False),           # insolvency, write_off, legal, other
    Column("until", Date),
    Column("note", Text, nullable=False, default=""),
    Column("created_on", Date, nullable=False),
    Column("released_on", Date),
)

disputes = Table(
    "disputes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("invoice_id", String(128), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date),
    Column("close_note", Text, nullable=False, default=""),
)

promises = Table(
    "promises", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("invoice_id", String(128), nullable=False, index=True),
    Column("until", Date, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("made_on", Date, nullable=False),
)

notes = Table(
    "notes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(128), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("call", Boolean, nullable=False, default=False),
    Column("outcome", String(16)),
    Column("until", Date),
    Column("written_on", Date, nullable=False),
)

# version 3: the dunning history — every action recorded, and the invoices it covered

dunning_actions = Table(
    "dunning_actions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("as_of", Date, nullable=False),
    Column("customer_id", String(128), nullable=False, index=True),
    Column("plan", String(64), nullable=False),           # the dunning plan; "" for an installment reminder
    Column("step", String(64), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_due", BigInteger, nullable=False),
    Column("total_due", BigInteger, nullable=False),
    Column("document", Text, nullable=False, default=""),
    Column("delivery", String(16), nullable=False, default="written"),
    Column("created_at", Text, nullable=False),
    Column("payment_plan", Integer, nullable=True),       # version 6: the payment plan an installment reminder is for
    UniqueConstraint("as_of", "customer_id", "step", "channel", "currency", name="uq_action_per_day"),
)

dunning_items = Table(
    "dunning_items", metadata,
    Column("action_id", Integer, ForeignKey("dunning_actions.id"), primary_key=True),
    Column("invoice_id", String(128), primary_key=True),
    Column("open_amount", BigInteger, nullable=False),
)

# version 4: payment plans and their installments

payment_plans = Table(
    "payment_plans", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(128), nullable=False, index=True),
    Column("currency", String(3), nullable=False),
    Column("invoices", Text, nullable=False),            # the invoice numbers, separated by spaces
    Column("total", BigInteger, nullable=False),
    Column("every", String(32), nullable=False),
    Column("created_on", Date, nullable=False),
    Column("cancelled_on", Date),
)

installments = Table(
    "installments", metadata,
    Column("plan_id", Integer, ForeignKey("payment_plans.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("due_date", Date, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("reminded_on", Date),
)

# version 5: what a person decided for a customer, kept over every import of the customer export

customer_overrides = Table(
    "customer_overrides", metadata,
    Column("customer_id", String(128), primary_key=True),
    Column("plan", String(64)),             # None: not overridden
    Column("segment", Text),
    Column("language", String(16)),
    Column("channel", String(16)),          # email or letter: how written documents go
    Column("email", Text),
    Column("updated_on", Date, nullable=False),
)

# version 7: how far each account's bank statements reach (closing balance date, else newest booking date)

bank_reach = Table(
    "bank_reach", metadata,
    Column("account_iban", String(64), primary_key=True),
    Column("reach_date", Date, nullable=False),
)

# version 8: each invoice's open amount as the exports showed it over time (a lower amount ends interest on the
# part paid from the day the first snapshot showed it)

invoice_amounts = Table(
    "invoice_amounts", metadata,
    Column("invoice_id", String(128), primary_key=True),
    Column("seen_on", Date, primary_key=True),
    Column("open_amount", BigInteger, nullable=False),
)

# version 9: the payment reference made for a document covering several invoices, and the invoices a payment
# quoting it pays (oldest first); recorded with the action, in the same transaction

document_references = Table(
    "document_references", metadata,
    Column("kind", String(8), primary_key=True),          # ogm or rf
    Column("value", String(40), primary_key=True),        # compact: 12 digits, or RF + check + body
    Column("position", Integer, primary_key=True),        # 0, 1, ...: the order a payment pays them in
    Column("invoice_id", String(128), nullable=False),
    Column("action_id", Integer, ForeignKey("dunning_actions.id"), nullable=False, index=True),
)

# version 10: the delivery of each written document: e-mails sent over SMTP (recorded `sending` before the
# server is asked and `sent` after it accepted), letters printed and posted. A document without a row here is
# written and waits (an e-mail to be sent, a letter to be printed).

deliveries = Table(
    "deliveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document", String(400), nullable=False, unique=True),   # dunning_actions.document (outbox path)
    Column("as_of", Date, nullable=False),                          # the run that wrote it
    Column("customer_id", String(128), nullable=False, index=True),
    Column("channel", String(32), nullable=False),
    Column("status", String(16), nullable=False),    # written, sending, sent, failed, unknown, printed
    Column("answer", Text, nullable=False, default=""),             # the server's answer, or who decided
    Column("attempts", Integer, nullable=False, default=0),
    Column("sent_on", Date),                         # sent: the day it went; printed: the posting date
    Column("updated_at", Text, nullable=False),
)

SCHEMA_VERSION = 10
