"""What a run's documents carry besides the letter: the payment reference each asks to be paid with, and the
copies of the invoices the export points at (a file in the workspace attached to the e-mail, a URL linked)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING

from arctl.model import Action

if TYPE_CHECKING:
    import pandas as pd

    from arctl.dunning.references import ReferenceBook
    from arctl.state.store import Store

URL_PREFIXES = ("https://", "http://")


def reference_book(store: Store, country: str, items: pd.DataFrame) -> ReferenceBook:
    """The run's reference book: the company's scheme, the open items' references and every document's so far."""
    from arctl.dunning.references import ReferenceBook, scheme_for

    return ReferenceBook(scheme_for(country), items, store.document_references().keys())


def with_reference(book: ReferenceBook, action: Action, as_of: dt.date) -> Action:
    """The action with the reference its document shows (a call or a person to act shows none)."""
    if action.channel in ("phone", "person"):
        return action
    return dataclasses.replace(action, payment_reference=book.for_action(action, as_of))


def is_url(document: str) -> bool:
    return document.strip().lower().startswith(URL_PREFIXES)


def invoice_copies(action: Action, root: Path) -> tuple[list[tuple[str, bytes, str]], list[str]]:
    """The copies of the action's invoices to attach, as (file name, bytes, MIME type), and a warning for each
    one that cannot be (missing, unreadable, or outside the workspace): the e-mail goes without it."""
    parts: list[tuple[str, bytes, str]] = []
    warnings: list[str] = []
    workspace = root.resolve()
    for line in action.lines:
        document = line.document.strip()
        if not document or is_url(document):
            continue
        path = (workspace / document).resolve()

        def warn(problem: str, invoice: str = line.invoice_id, shown: str = document) -> None:
            warnings.append(f"customer {action.customer_id}: the copy of invoice {invoice} ({shown}) {problem}; "
                            f"the {action.step} e-mail goes without it; fix the invoice export's document column")

        if not path.is_relative_to(workspace):
            warn("is outside the workspace and is not attached")
        elif not path.is_file():
            warn("does not exist")
        else:
            try:
                data = path.read_bytes()
            except OSError as exc:
                warn(f"cannot be read ({exc.strerror})")
                continue
            parts.append((path.name, data, mimetypes.guess_type(path.name)[0] or "application/octet-stream"))
    return parts, warnings
