"""Data as the terminal shows it: never read as rich markup, and never able to move the cursor, recolour or
retitle the terminal (escape sequences and control characters are removed first)."""

from __future__ import annotations

from rich.markup import escape as _markup_escape

from arctl.text import terminal_text


def escape(text: str) -> str:
    """`text` from data (a name, an id, a file's value) ready to go into a rich string."""
    return _markup_escape(terminal_text(text))
