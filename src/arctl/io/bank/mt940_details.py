"""The MT940 `:86:` field (information to the account owner) into counterparty, references and remittance.

Joining the physical lines of one `:86:` value
- General rule: a physical line at least 65 characters wide (counting only the value, not the
  `:86:` tag) was wrapped by the bank's fixed width, so the next line is joined to it with nothing
  (`Nespresso Nede` / `rland`, SNS `VNKlant` / `nr`); a shorter line ended there on purpose (or lost
  trailing spaces), so a space is put between (Rabobank `NR.201303-111/11.3.2013` /
  `NR.201303-112/11.3.2013`, ABN `000000042188659` / `5314606715`). Padding spaces that SNS keeps in
  its 65-character grid make the nothing-join separate words anyway; runs of white space in the
  results are collapsed to one space.
- ING's structured form (recognised by `/CNTP/`, `/REMI/USTD/` or `/REMI/STRD/`): joined with
  nothing whatever the width, since ING's file cuts values anywhere (`INGBNL2` / `A`,
  `CO` / `NTRIBUTIE`, `EV123R` / `EP123412T1234`).
- German/ZKA `?NN` or Triodos `>NN` sub-fields: physical lines joined with nothing (the markers
  carry the structure and break across lines, `?2` / `2MTLG`, `?31DE1450880` / `0500194785000`);
  then consecutive sub-fields of one text (`?20`-`?29` and `?60`-`?63` purpose, `?32`-`?33` name,
  `>20`-`>29`) are joined with nothing after a full 27-character sub-field and with a space after a
  shorter one (`Strukturier` + `ter`, but `01 EBB` + `MTLG:...`).

The dialects (only the `:86:` right after a `:61:` belongs to it; one after
the closing balance, such as ING's `/SUM/`, is about the statement and is not used)
- German/ZKA (`GVC?00...`): `?31` IBAN, `?32`+`?33` name, `?20`-`?29` and `?60`-`?63` purpose with
  SEPA keys `EREF+`, `KREF+`, `MREF+`, `CRED+`, `SVWZ+` ... at the start of a sub-field; the
  remittance is the `SVWZ+` text when present, else the whole purpose. GVC 109 and 159 (SEPA direct
  debit and credit transfer returned, `RETOURE`) mark a reversal.
- Triodos (`000>10...`): `>10` counterparty account, `>20`-`>29` description, `>32`-`>33` name.
- Slash codes (ING, ABN AMRO SEPA, Rabobank): `/EREF/`, `/PREF/`, `/MARF/`, `/CSID/`,
  `/CNTP/iban/bic/name/city/`, `/REMI/USTD//text/` (remittance), `/REMI/STRD/CUR/ref/` (structured
  reference), `/REMI/text` (Rabobank), `/NAME/`, `/IBAN/`, `/BIC/`, `/ACCW/iban,bic`,
  `/ORDP//NAME/`, `/BENM//NAME/`, `/ADDR/`, `/ISDT/`, `/TRTP/`; `/RTRN/` marks a return (reversal).
  A value runs to the next known code, so slashes inside names and texts are kept.
- Knab: `REK: iban/NAAM: name` gives the counterparty; the text before it is the remittance.
- SNS: a first line `IBAN name` gives the counterparty; the following lines are the remittance.
- Old ABN AMRO: `GIRO 428428 NAME` or `52.89.39.882 NAME` at the start gives the counterparty's
  account and name; the whole text is the remittance.
- Anything else: the whole text is the remittance.
- In any dialect, `BETALINGSKENM. <digits>` in the text gives the structured reference when no
  structured field did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WRAP_WIDTH = 65
_SUBFIELD_WIDTH = 27

# ING, ABN AMRO and Rabobank slash codes; a value runs to the next one of these.
_SLASH_CODES = (
    "ACCW", "ADDR", "BENM", "BIC", "BUSP", "CDTRREFTP", "CDTRREF", "CNTP", "CSID", "EREF", "IBAN",
    "ID", "ISDT", "MARF", "NAME", "ORDP", "PREF", "PURP", "REMI", "RTRN", "SUM", "SVCL", "TRTP",
    "ULTB", "ULTC", "ULTD",
)
_SLASH_CODE = re.compile(r"/(" + "|".join(_SLASH_CODES) + r")/")
_SLASH_START = re.compile(r"\s*/(" + "|".join(_SLASH_CODES) + r")/")
_ING_MARKERS = ("/CNTP/", "/REMI/USTD/", "/REMI/STRD/")
_ZKA_START = re.compile(r"\s*(\d{3})?\?\d{2}")
_ZKA_SUBFIELD = re.compile(r"\?(\d{2})")
_SEPA_KEY = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|SQTP|PURP)\+")
_ZKA_RETURNS = {"109", "159"}
_TRIODOS_START = re.compile(r"\s*(\d{3})?>\d{2}")
_TRIODOS_SUBFIELD = re.compile(r">(\d{2})")
_KNAB = re.compile(r"REK:\s*([A-Z0-9]+)\s*/\s*NAAM:\s*(.*)$", re.DOTALL)
_SNS_FIRST = re.compile(r"\s*([A-Z]{2}\d{2}[A-Z0-9]{10,30})\s+(\S.*)")
_OLD_ABN = re.compile(r"\s*(?:GIRO\s+(\d+)|(\d{2}\.\d{2}\.\d{2}\.\d{3}))\s+(\S.*?)(?:\s{2,}|$)")
_BETALINGSKENMERK = re.compile(r"BETALINGSKENM\.?\s*:?\s*(\d+)", re.IGNORECASE)


@dataclass(slots=True)
class Info:
    """What a `:86:` says about one transaction."""

    name: str = ""
    iban: str = ""
    structured_ref: str = ""
    remittance: str = ""
    reversal: bool = False


def squeeze(text: str) -> str:
    return " ".join(text.split())


def _join_wrapped(parts: list[tuple[str, int]]) -> str:
    """Physical lines joined by the 65-character rule (module docstring)."""
    joined = ""
    for index, (text, _) in enumerate(parts):
        if index:
            joined += "" if parts[index - 1][1] >= _WRAP_WIDTH else " "
        joined += text
    return joined


def _join_subfields(values: list[str]) -> str:
    """Consecutive 27-character sub-fields of one text: nothing after a full one, a space otherwise."""
    joined = ""
    for index, value in enumerate(values):
        if index:
            joined += "" if len(values[index - 1]) >= _SUBFIELD_WIDTH else " "
        joined += value
    return joined


def information(parts: list[tuple[str, int]]) -> Info:
    tight = "".join(text for text, _ in parts)
    if _ZKA_START.match(tight):
        info = _zka(tight)
    elif _TRIODOS_START.match(tight):
        info = _triodos(tight)
    elif _SLASH_START.match(tight):
        structured = tight if any(marker in tight for marker in _ING_MARKERS) else _join_wrapped(parts)
        info = _slash_codes(structured)
    else:
        info = _free_text(parts)
    if not info.structured_ref:
        found = _BETALINGSKENMERK.search(info.remittance)
        if found:
            info.structured_ref = found.group(1)
    return info


def _zka(text: str) -> Info:
    pieces = _ZKA_SUBFIELD.split(text)
    gvc = pieces[0].strip()
    subfields = list(zip(pieces[1::2], pieces[2::2], strict=True))
    purpose = [value for code, value in subfields if "20" <= code <= "29" or "60" <= code <= "63"]
    name = _join_subfields([value for code, value in subfields if code in ("32", "33")])
    iban = next((value for code, value in subfields if code == "31"), "")
    segments: list[tuple[str, list[str]]] = [("", [])]
    for value in purpose:
        key = _SEPA_KEY.match(value)
        if key:
            segments.append((key.group(1), [value[key.end():]]))
        else:
            segments[-1][1].append(value)
    # the 27-character rule applies to the sub-fields as written, the key included
    texts: dict[str, str] = {}
    for label, values in segments:
        if label:
            values = [f"{label}+{values[0]}", *values[1:]]
            joined = _join_subfields(values)[len(label) + 1:]
        else:
            joined = _join_subfields(values)
        texts.setdefault(label, squeeze(joined))
    remittance = texts.get("SVWZ") or squeeze(_join_subfields(purpose))
    return Info(name=squeeze(name), iban="".join(iban.split()).upper(), remittance=remittance,
                 reversal=gvc in _ZKA_RETURNS)


def _triodos(text: str) -> Info:
    pieces = _TRIODOS_SUBFIELD.split(text)
    subfields = list(zip(pieces[1::2], pieces[2::2], strict=True))
    account = next((value for code, value in subfields if code == "10"), "")
    description = _join_subfields([value for code, value in subfields if "20" <= code <= "29"])
    name = _join_subfields([value for code, value in subfields if code in ("32", "33")])
    return Info(name=squeeze(name), iban="".join(account.split()).upper(), remittance=squeeze(description))


def _slash_codes(text: str) -> Info:
    matches = list(_SLASH_CODE.finditer(text))
    values: dict[str, str] = {}
    for index, found in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        raw = text[found.end():end]
        values.setdefault(found.group(1), raw[:-1] if raw.endswith("/") else raw)
    info = Info(reversal="RTRN" in values)
    if "CNTP" in values:
        pieces = values["CNTP"].split("/")  # iban/bic/name/city; a name may hold a slash
        while len(pieces) > 4 and not pieces[-1]:
            pieces.pop()
        info.iban = pieces[0]
        if len(pieces) >= 4:
            info.name = "/".join(pieces[2:-1])
        elif len(pieces) == 3:
            info.name = pieces[2]
    info.name = squeeze(info.name or values.get("NAME", ""))
    account = values.get("IBAN") or values.get("ACCW", "").split(",")[0]
    info.iban = "".join((info.iban or account).split()).upper()
    remittance = values.get("REMI", "").strip()
    if remittance.startswith("USTD/"):
        remittance = remittance[len("USTD/"):]
    elif remittance.startswith("STRD/"):
        pieces = remittance.split("/")
        info.structured_ref = pieces[2].strip() if len(pieces) > 2 else ""
        remittance = ""
    info.remittance = squeeze(remittance.strip("/"))
    return info


def _free_text(parts: list[tuple[str, int]]) -> Info:
    text = _join_wrapped(parts)
    knab = _KNAB.search(text)
    if knab:
        return Info(name=squeeze(knab.group(2)), iban=knab.group(1).upper(),
                     remittance=squeeze(text[:knab.start()]))
    sns = _SNS_FIRST.fullmatch(parts[0][0].rstrip())
    if sns:
        return Info(name=squeeze(sns.group(2)), iban=sns.group(1),
                     remittance=squeeze(_join_wrapped(parts[1:])))
    info = Info(remittance=squeeze(text))
    old = _OLD_ABN.match(text)
    if old:
        info.iban = (old.group(1) or old.group(2)).replace(".", "")
        info.name = squeeze(old.group(3))
    return info

