"""A small workspace for the call-list, note-import and agency tests: an open-items export, a customer export
with a contact person, a plan, and `arctl` run inside it."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME

INVOICE_HEADER = "Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due"
CUSTOMER_HEADER = "Customer ID,Name,Contact,Email,Phone"

# A friendly e-mail 7 days after the due date, then a call 7 days later (the plan's second step).
CALL_AFTER_MAIL = """\
    name: Mail then call
    steps:
      - id: friendly
        after_due: 7 days
        channel: email
      - id: call
        label: Call after the friendly reminder
        after_previous: 7 days
        channel: phone
    """

# A call 7 days after the due date only (one step).
ONLY_CALL = """\
    name: Calls
    steps:
      - id: call
        after_due: 7 days
        channel: phone
    """


def invoice(number: str, customer: str, name: str, due: str, amount: str) -> str:
    return f"{number},{customer},\"{name}\",2026-10-01,{due},EUR,{amount},{amount}"


def customer(customer_id: str, name: str, contact: str, email: str, phone: str) -> str:
    return ",".join('"' + v.replace('"', '""') + '"' for v in (customer_id, name, contact, email, phone))


def make(root: Path, plan: str, invoices: list[str], customers: list[str], *, locale: str = "nl_BE",
         as_of: str = "2026-11-26", extra_config: str = "") -> Path:
    (root / "exports").mkdir(parents=True)
    (root / "plans").mkdir()
    (root / "plans" / "calls.yaml").write_text(textwrap.dedent(plan), encoding="utf-8")
    (root / "exports" / "open_invoices.csv").write_text("\n".join([INVOICE_HEADER, *invoices]) + "\n",
                                                        encoding="utf-8")
    (root / "exports" / "customers.csv").write_text("\n".join([CUSTOMER_HEADER, *customers]) + "\n",
                                                    encoding="utf-8")
    (root / CONFIG_NAME).write_text(textwrap.dedent(f"""\
        company: {{name: Voorbeeld, legal_form: BV, country: BE, iban: BE05068123456775}}
        locale: {locale}
        dunning: {{plan: calls}}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/customers.csv
            kind: customers
        """) + extra_config, encoding="utf-8")
    result = arctl(root, "import", "--as-of", as_of)
    assert result.exit_code == 0, result.output
    return root


def arctl(root: Path, *args: str):
    return CliRunner().invoke(app, ["-w", str(root), *args])


def run(root: Path, as_of: str) -> dict:
    result = arctl(root, "dunning", "run", "--as-of", as_of, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
