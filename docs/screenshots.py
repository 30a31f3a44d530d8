"""`make screenshots`: a letter in each language the templates wrote for the demo's customers, and the demo's
HTML aging report, as PNG.

    .venv/bin/python docs/screenshots.py docs/screenshots

Runs the demo (import, reconcile, dunning run) on a copy of examples/demo, takes for each language its
documents are written in (the letter's `<html lang>`) the first letter (a paper letter, else the HTML of an
e-mail) and photographs it with headless Chromium (Debian's `chromium` package); then writes the aging report of
the same day (`arctl aging -o aging.html`) and photographs its top as aging-report.png.
"""

from __future__ import annotations

import csv
import email
import email.policy
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "examples" / "demo"
AS_OF = "2026-11-26"
WINDOW = "900,1270"   # about an A4 page at 96 dpi, wide enough for the letter's table
REPORT_WINDOW = "1000,1150"   # the report's charts and its first table rows


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        sys.exit("make screenshots needs Chromium: apt-get install chromium (Debian/Ubuntu)")
    return found


def screenshot(html: Path, png: Path, browser: str | None = None, window: str = WINDOW) -> None:
    """Photograph the page `html` into `png` with headless Chromium (no network: the letter is one file)."""
    png.parent.mkdir(parents=True, exist_ok=True)
    command = [browser or chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--no-first-run", "--disable-extensions", f"--user-data-dir={png.parent / '.chromium'}",
               f"--window-size={window}", f"--screenshot={png}", html.resolve().as_uri()]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    finally:
        shutil.rmtree(png.parent / ".chromium", ignore_errors=True)
    if not png.is_file() or png.stat().st_size == 0:
        raise SystemExit(f"Chromium wrote no picture for {html}")


def demo_letters(workspace: Path) -> dict[str, Path]:
    """Run the demo in `workspace` (a copy) and return an HTML letter per customer language."""
    shutil.copytree(DEMO, workspace, ignore=shutil.ignore_patterns(".arctl", "outbox", "reports"))
    for command in (["import", "--as-of", AS_OF], ["reconcile"], ["dunning", "run", "--as-of", AS_OF]):
        subprocess.run([sys.executable, "-m", "arctl", "-w", str(workspace), *command], check=True,
                       capture_output=True)
    with open(workspace / "exports" / "customers.csv", encoding="utf-8-sig", newline="") as handle:
        language = {row["Customer ID"]: row["Language"] for row in csv.DictReader(handle)}
    letters: dict[str, Path] = {}
    day = workspace / "outbox" / AS_OF
    documents = sorted(day.glob("*.html")) + sorted(day.glob("*.eml"))   # paper letters first
    for document in documents:
        if document.suffix == ".eml":
            message = email.message_from_bytes(document.read_bytes(), policy=email.policy.default)
            part = message.get_body(preferencelist=("html",))
            if part is None:
                continue
            html = document.with_suffix(".html")
            html.write_text(part.get_content(), encoding="utf-8")
            document = html
        # the language of the template used (a customer whose language has no templates gets a fallback)
        declared = _LANG.search(document.read_text(encoding="utf-8"))
        written_in = declared.group(1).split("-")[0].lower() if declared else \
            language.get(document.name.split("-")[0], "")
        if written_in and written_in not in letters:
            letters[written_in] = document
    return letters


def demo_aging_report(workspace: Path) -> Path:
    """The HTML aging report of the demo workspace `demo_letters` ran (payments matched at the bank counted)."""
    page = workspace / "reports" / "aging.html"
    subprocess.run([sys.executable, "-m", "arctl", "-w", str(workspace), "aging", "--as-of", AS_OF, "-o", str(page)],
                   check=True, capture_output=True)
    return page


_LANG = re.compile(r"<html[^>]*\blang=\"([A-Za-z-]+)\"")


def main(target: str) -> None:
    out = Path(target)
    browser = chromium()
    with tempfile.TemporaryDirectory() as scratch:
        letters = demo_letters(Path(scratch) / "demo")
        for spoken, letter in sorted(letters.items()):
            screenshot(letter, out / f"letter-{spoken}.png", browser)
            print(f"{out / f'letter-{spoken}.png'}: {letter.name}")
        report = demo_aging_report(Path(scratch) / "demo")
        screenshot(report, out / "aging-report.png", browser, REPORT_WINDOW)
        print(f"{out / 'aging-report.png'}: {report.name}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(REPO / "docs" / "screenshots"))
