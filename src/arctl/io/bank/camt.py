"""ISO 20022 camt bank statements (camt.053, camt.054 notifications, camt.052 reports) into bank lines.

One reader for every version (camt.053.001.02 to .001.08 and later): elements are matched on their
local names, so the namespace URI of the version does not matter, and the places where versions
differ are read both ways (`Sts` as text or `Sts/Cd`; `Dbtr/Nm` or `Dbtr/Pty/Nm`).

What becomes a bank line:

- Every `Ntry` whose status is booked (`BOOK`). Pending (`PDNG`), information (`INFO`) and future
  (`FUTR`) entries are left out and counted in a notice; an entry without any status is taken as
  booked, with a notice.
- An entry that batches several transactions (more than one `NtryDtls/TxDtls`) gives one line per
  transaction with that transaction's own amount (`TxDtls/Amt`, else `AmtDtls/TxAmt/Amt`, in the
  entry's currency) and its own sign (`TxDtls/CdtDbtInd`, else the entry's). If a transaction of
  the batch has no amount in the entry's currency the entry stays one line of the entry's total,
  with a warning; when the transactions do not add up to the entry the split is kept, with a warning.
  An entry with one transaction (or none) is one line of the entry's booked amount.
- Amounts are exact (`money.parse_amount`), signed by `CdtDbtInd` (CRDT positive, DBIT negative; for a
  reversal the indicator already states the direction of the reversing booking).
- Counterparty: the debtor for a credit, the creditor for a debit (`Nm` or `Pty/Nm`, account
  `IBAN` or `Othr/Id`), the ultimate party's name when the direct party has none. A party whose
  account is the statement's own account is never the counterparty: then the other side is taken
  (banks differ in which side they fill in for reversals).
- `structured_ref`: the first `RmtInf/Strd/CdtrRefInf/Ref` as given (SCOR, BBA, QRR ... alike).
  `remittance`: every `Ustrd`, the structured block's free text (`AddtlRmtInf`), referred document
  numbers (`RfrdDocInf/Nb`) and any further creditor references, `AddtlTxInf`, the entry's
  `AddtlNtryInf` when there is no `Ustrd`, and last "EREF <EndToEndId>" unless it is NOTPROVIDED;
  repeated texts once, white space collapsed.
- `reversal`: `RvslInd` true on the entry, or return information (`RtrInf`) on the transaction.
- `bank_ref`: the transaction's `Refs/AcctSvcrRef`; else the entry's `AcctSvcrRef`, with the
  transaction's 1-based index appended ("-1", "-2") when the entry batches several; else "" (then
  `lines.txn_ids` hashes). "NONREF" and "NOTPROVIDED" are no reference.
- `line`: the 1-based source line of the `Ntry` start tag, or of the `TxDtls` start tag for a line
  split out of a batch. ElementTree keeps no positions, so the whole tree is built through a target
  that records expat's `CurrentLineNumber` when each start tag is reported (it is the line of the `<`);
  a streamed file takes the same lines from a scan of its bytes (camt_scan.py).

How: a file the scan can vouch for (one namespace, no comment, DTD or CDATA ...) is streamed entry by
entry through ElementTree's C parser (camt_stream.py), which keeps a million-entry statement out of
memory; any other file, and any file whose stream stumbles (an error to report, an odd order), is read
as one tree as before. Both go through the same camt_entries.Reader, so they give the same lines,
findings and notices (tests/test_bank_camt_stream.py reads every sample both ways).

Entries that cannot be read (no amount, no currency, a date such as 2026-02-30, no credit/debit
indicator) are left out with an error finding at their line naming the statement and the value;
nothing is dropped silently. A balance that cannot be read (amount, indicator or a date such as
2026-02-30) refuses the file with an InputError naming file, line, statement, balance and value: the
statement cannot be checked, so the file is damaged. The file itself is refused with an InputError
when it is not well-formed XML (file and line named), declares a DTD or entities (refused for safety:
parsing goes through defusedxml with DTDs forbidden), or is not a camt message.

Balances for `check` (lines.StatementBalances): per statement and currency, the opening booked balance
(`OPBD`, else `PRCD`, the previous closing booked) and the closing booked balance (`CLBD`) with the
sums of the booked lines in that currency; pending entries are not in a booked balance.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as StdET
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from arctl.errors import InputError
from arctl.io.bank.camt_entries import MESSAGES, Reader, message_format
from arctl.io.bank.camt_scan import scan_camt
from arctl.io.bank.camt_stream import Fallback, stream_camt
from arctl.io.bank.camt_tree import LocalTree, local
from arctl.io.bank.lines import BankRead, bank_frame, statement_bytes
from arctl.io.bounds import refuse_long_texts


def read_camt(path: Path) -> BankRead:
    """Read a camt.053/054/052 file into canonical bank lines, the balances it states, and notices.

    A file that camt_scan.py finds plain enough is streamed entry by entry (camt_stream.py); any other
    file, and any file the stream stumbles on, is read as a whole tree, which gives every error its
    message."""
    path = Path(path)
    refuse_long_texts(path, b"<", "a text between two tags")
    scan = scan_camt(path)
    if scan is not None:
        try:
            return stream_camt(path, scan)
        except (Fallback, InputError, ParseError, LookupError, ValueError):
            pass   # the tree reads it again and says what is wrong
    return read_camt_tree(path)


def read_camt_tree(path: Path) -> BankRead:
    """`read_camt` through one tree of the whole file, parsed safely with the line of every element."""
    path = Path(path)
    root, lines = _parse(path, _read_bytes(path))
    message = _message(path, root)
    statement_tag, family = MESSAGES[local(message.tag)]
    reader = Reader(path, lambda element: lines.get(element, 0), LocalTree())
    statements = [child for child in message if local(child.tag) == statement_tag]
    for statement in statements:
        reader.statement(statement)
    return BankRead(
        path=path,
        format=message_format(root, message, family),
        frame=bank_frame(reader.records, path),
        balances=reader.balances,
        findings=reader.findings,
        notices=reader.notices(),
        statements=len(statements),
        statement_balances=reader.stated,
    )


# --- XML: safe parsing with line numbers -------------------------------------------------------


class _LineTarget:
    """A tree-builder target that remembers the source line of every element's start tag."""

    def __init__(self) -> None:
        self.builder = StdET.TreeBuilder()
        self.lines: dict[Element, int] = {}
        self.expat: expat.XMLParserType | None = None

    def start(self, tag: str, attrib: dict[str, str]) -> Element:
        element = self.builder.start(tag, attrib)
        if self.expat is not None:
            self.lines[element] = self.expat.CurrentLineNumber
        return element

    def end(self, tag: str) -> Element:
        return self.builder.end(tag)

    def data(self, text: str) -> None:
        self.builder.data(text)

    def close(self) -> Element:
        return self.builder.close()


def _read_bytes(path: Path) -> bytes:
    data = statement_bytes(path)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head and not head.startswith(b"<") and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: not XML, so not a camt statement (it starts with {head[:20]!r})",
                         hint="a camt file starts with <?xml or <Document; is this an MT940 or CSV export?")
    return data


def _parse(path: Path, data: bytes) -> tuple[Element, dict[Element, int]]:
    target = _LineTarget()
    parser = SafeET.XMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    target.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        line = parser.parser.CurrentLineNumber
        raise InputError(
            f"{path}: line {line}: the XML declares a DTD or entities ({type(exc).__name__}); refused for safety",
            hint="bank statements never contain <!DOCTYPE ...>; download the statement again from the bank",
        ) from exc
    except SafeET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        code = getattr(exc, "code", None)
        reason = expat.ErrorString(code) if isinstance(code, int) else str(exc)
        raise InputError(
            f"{path}: not well-formed XML at line {line}, column {column + 1}: {reason}",
            hint="the file may be cut off or damaged; download the statement again from the bank",
        ) from exc
    except (LookupError, ValueError) as exc:   # an encoding Python does not know, or that expat cannot read
        raise _encoding_error(path, data, exc) from exc
    return root, target.lines


_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([^"']{0,40})""")


def _encoding_error(path: Path, data: bytes, exc: Exception) -> InputError:
    declared = _DECLARED_ENCODING.search(data[:1024])
    name = declared.group(1).decode("ascii", errors="replace") if declared else "?"
    return InputError(f"{path}: line 1: the XML declaration names the encoding {name!r}, which cannot be read "
                      f"({exc})", hint="camt statements are UTF-8: download the statement again from the bank, "
                      "or correct encoding=\"...\" in the first line")


def _message(path: Path, root: Element) -> Element:
    name = local(root.tag)
    if name in MESSAGES:
        return root
    if name == "Document":
        for child in root:
            if local(child.tag) in MESSAGES:
                return child
        inner = next(iter(root), None)
        what = f"Document/{local(inner.tag)}" if inner is not None else "an empty Document"
        raise InputError(
            f"{path}: {what} is not a camt bank statement or notification "
            f"(expected Document/{', Document/'.join(MESSAGES)})",
        )
    raise InputError(
        f"{path}: the root element <{name}> is not a camt document (expected <Document> with a bank "
        "statement BkToCstmrStmt, a notification BkToCstmrDbtCdtNtfctn or a report BkToCstmrAcctRpt)",
    )
