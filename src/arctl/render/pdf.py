"""PDF letters through WeasyPrint, an optional extra (`pip install 'arctl[pdf]'`), and the day's print PDFs.

Without WeasyPrint (or without the Pango library it draws text with) nothing fails: `unavailable()` says
why and how to get PDF, once per run, and the letters are written as HTML only. A letter's HTML may only
load what lies in the folders it is given (the workspace's templates, for a logo) or a `data:` URL: a
customer's name never makes the PDF renderer read a file elsewhere or fetch anything from the network.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

PDF_EXTRA = "pip install 'arctl[pdf]'"
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"   # Debian/Ubuntu: what WeasyPrint loads to draw text


@cache
def unavailable() -> str | None:
    """Why PDF cannot be written on this machine, with how to get it; None when it can."""
    try:
        import pypdf  # noqa: F401
        import weasyprint  # noqa: F401
    except ImportError as exc:
        return (f"letters are written as HTML only: PDF needs WeasyPrint and pypdf ({exc.name or exc} is not "
                f"installed); install them with `{PDF_EXTRA}`")
    except OSError as exc:   # WeasyPrint is there but cannot load Pango
        return (f"letters are written as HTML only: WeasyPrint cannot load its text library ({exc}); on "
                f"Debian/Ubuntu install it with `apt-get install {PANGO_PACKAGES}`")
    return None


def letter_pdf(html: str, allowed: tuple[Path, ...] = (), *, dated: dt.date) -> bytes:
    """The letter `html` of the day `dated` as PDF; it may load files only from the folders `allowed` (and data:
    URLs). The same letter gives the same bytes, whenever it is written."""
    import weasyprint

    base = allowed[0] if allowed else None
    document = weasyprint.HTML(string=html, base_url=str(base) + "/" if base else None,
                               url_fetcher=_fetcher(allowed))
    with _font_time(dated):
        return document.write_pdf()


@contextmanager
def _font_time(day: dt.date) -> Iterator[None]:
    """fontTools stamps each font subset it writes into a PDF with the current time (head.modified), unless
    SOURCE_DATE_EPOCH (reproducible-builds.org) names another: here the letter's day, so that a letter written
    again after an interrupted run is the same file. A SOURCE_DATE_EPOCH set by the user is left as it is."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp()))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def _fetcher(allowed: tuple[Path, ...]):
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    roots = [folder.resolve() for folder in allowed]

    class Confined(URLFetcher):
        """Loads data: URLs and files inside `allowed`; refuses everything else (no network, no other file)."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise ValueError(f"a letter may load files only from its templates folder, not {url!r}")
            elif parts.scheme != "data":
                raise ValueError(f"a letter may not load {url!r}: only its templates folder and data: URLs")
            return super().fetch(url, headers)

    return Confined(allowed_protocols=("file", "data"))


def combined(letters: list[tuple[str, bytes]]) -> bytes:
    """One PDF to print from the letters (title, PDF bytes), in this order: each letter's pages follow the
    previous letter's, and a bookmark with its title marks where it starts."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for title, data in letters:
        first = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(data)))
        writer.add_outline_item(title=title, page_number=first)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def text_of(data: bytes) -> str:
    """The text of every page, for checks that do not depend on the PDF's bytes."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
