"""Plain aligned text columns: the terminal listing of a run too long for a boxed table to be worth drawing."""

from __future__ import annotations

from collections.abc import Sequence


def aligned(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: frozenset[str] = frozenset()) -> str:
    """`headers` over `rows`, each column as wide as its widest cell, two spaces apart; columns named in `right`
    are right-aligned (amounts). Cells are printed as given: no markup, no wrapping."""
    widths = [max([len(header), *(len(row[i]) for row in rows)]) for i, header in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.rjust(width) if header in right else cell.ljust(width)
                         for header, cell, width in zip(headers, cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * width for width in widths]), *(line(row) for row in rows)]) + "\n"
