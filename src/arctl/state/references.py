"""The payment references made for documents that cover several invoices: recorded with their action, read
by the reconciler so that a payment quoting one pays the document's invoices."""

from __future__ import annotations

from sqlalchemy import Engine, select

from arctl.model import Action
from arctl.state import schema


def reference_rows(actions: list[tuple[Action, int]]) -> list[dict]:
    """The rows that record each (action, its id)'s own payment reference: one per invoice it pays, in order."""
    return [{"kind": reference.kind, "value": reference.value, "position": position, "invoice_id": invoice,
             "action_id": action_id}
            for action, action_id in actions
            if (reference := action.payment_reference) is not None and reference.covers
            for position, invoice in enumerate(reference.covers)]


class DocumentReferences:
    engine: Engine

    def document_references(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """(kind, value) -> the invoices a payment quoting it pays, in the order it pays them."""
        table = schema.document_references.c
        found: dict[tuple[str, str], list[str]] = {}
        with self.engine.connect() as connection:
            for kind, value, invoice in connection.execute(
                    select(table.kind, table.value, table.invoice_id).order_by(table.kind, table.value,
                                                                              table.position)):
                found.setdefault((kind, value), []).append(invoice)
        return {key: tuple(invoices) for key, invoices in found.items()}
