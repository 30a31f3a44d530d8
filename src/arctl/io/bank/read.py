"""Read any bank file: tell camt, MT940, CODA and tabular exports apart by their content, then read it.

The name of a file says little (banks deliver CODA as .txt, MT940 as .sta, .940 or .txt, camt without
an extension), so only the content decides:

- camt: XML whose root message is an ISO 20022 bank-to-customer message (camt.052/053/054). Other XML
  is refused: no other XML bank format is read.
- MT940: SWIFT blocks (`{4:`) or MT940 field tags at the start of lines (after an SOH or ETX
  character too): `:61:` with another tag, or `:20:`/`:25:` with a balance `:60F:`/`:62F:` (a
  statement of a day without transactions has no `:61:`).
- CODA: the first record is a header record (`0000` at the start, at most 128 characters), and every
  record of the sample is at most 128 characters long and starts with a CODA record type. Records
  shorter than 128 characters (trailing spaces trimmed by an editor or a mail program) are padded by
  the CODA reader, which refuses a record whose content does not survive that.
- anything else (CSV, TSV, spreadsheets): a bank export read through a bank profile.
"""

from __future__ import annotations

import re
from pathlib import Path

from arctl.errors import InputError
from arctl.io.bank.lines import BankRead
from arctl.io.profile import load_profile
from arctl.io.sniff import detect_container
from arctl.model import ReadOptions

FORMATS = ("camt", "mt940", "coda", "table")
_SAMPLE = 64 * 1024
_CAMT = re.compile(r"BkToCstmr(?:Stmt|DbtCdtNtfctn|AcctRpt)\b|camt\.05[234]\.")
_MT940_TAG = re.compile(r"(?m)^:(?:20|25|28C?|60[FM]|62[FM]|86):")
_MT940_LINE = re.compile(r"(?m)^:61:")
_MT940_HEAD = re.compile(r"(?m)^:(?:20|25):")
_MT940_BALANCE = re.compile(r"(?m)^:6[02][FM]:")
_TRANSMISSION = re.compile(r"[\x01\x03]")  # SOH and ETX around a SWIFT FIN message
CODA_RECORD = 128
_CODA_TYPES = frozenset("01234589")


def read_bank(path: Path, options: ReadOptions = ReadOptions()) -> BankRead:
    """Read one bank statement or export, whatever its format, into canonical bank lines."""
    path = Path(path)
    found = detect_bank_format(path)
    if found == "camt":
        from arctl.io.bank.camt import read_camt

        return read_camt(path)
    if found == "mt940":
        from arctl.io.bank.mt940 import read_mt940

        return read_mt940(path)
    if found == "coda":
        from arctl.io.bank.coda import read_coda

        return read_coda(path)
    from arctl.io.bank.tabular import read_bank_table

    return read_bank_table(path, options)


def is_bank_file(path: Path, options: ReadOptions = ReadOptions()) -> bool:
    """Whether `path` is a bank statement or bank export, to be read into bank lines.

    The kind asked for decides; without one, the profile asked for (a bank profile reads bank
    exports); without either, the content: a camt, MT940 or CODA statement is one. A CSV or XLSX
    bank export given with neither is told by its header row, which `read_export` reads anyway.
    """
    if options.kind is not None:
        return options.kind == "bank"
    if options.profile:
        return load_profile(options.profile, options.profile_dirs).kind == "bank"
    return detect_bank_format(path) != "table"


def detect_bank_format(path: Path) -> str:
    """"camt", "mt940", "coda" or "table", from the first bytes of the file."""
    path = Path(path)
    container = detect_container(path)  # refuses missing, empty, binary and non-export files
    if container.kind != "text":
        return "table"
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE)
    text = head.decode(container.encoding or "utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        if _CAMT.search(text):
            return "camt"
        root = re.search(r"<(?![?!])([\w:.-]+)", text)
        raise InputError(f"{path}: an XML file, but not an ISO 20022 camt.052/053/054 bank statement "
                         f"(root element {root.group(1) if root else 'unknown'})",
                         hint="export the statement as camt.053, MT940, CODA or CSV from the bank")
    tags = _TRANSMISSION.sub("\n", text)
    if "{4:" in text or (_MT940_LINE.search(tags) and _MT940_TAG.search(tags)) \
            or (_MT940_HEAD.search(tags) and _MT940_BALANCE.search(tags)):
        return "mt940"
    lines = text.splitlines()
    if len(head) == _SAMPLE:
        lines = lines[:-1]  # the sample may end inside a record
    records = [line for line in lines if line.strip() and line != "\x1a"]
    if records and records[0].startswith("0000") and all(
            len(line) <= CODA_RECORD and line[:1] in _CODA_TYPES for line in records):
        return "coda"
    return "table"
