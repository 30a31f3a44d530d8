"""Turn a customer-master export into canonical customers, flagging what cannot be trusted."""

from __future__ import annotations

import re

import pandas as pd

from arctl.io.dialect import decide_decimal_mark, parse_money
from arctl.io.frames import ExportRead, RowFlags
from arctl.io.invoices import customer_key
from arctl.io.profile import Profile, fold
from arctl.io.table import RawTable
from arctl.model import ReadOptions

_YES = {"yes", "y", "true", "1", "ja", "j", "oui", "o", "x", "consumer", "b2c", "private", "particulier", "prive"}
_NO = {"no", "n", "false", "0", "nee", "non", "nein", "", "b2b", "business"}
_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
_LANGUAGES = {"nl", "fr", "de", "en"}


def build_customers(table: RawTable, profile: Profile, mapping: dict[str, str], options: ReadOptions) -> ExportRead:
    frame = table.frame
    flags = RowFlags(table, mapping)
    notices = list(table.notices)

    def text(column: str) -> pd.Series:
        if column in mapping:
            return frame[mapping[column]].str.strip()
        return pd.Series("", index=frame.index, dtype=str)

    name = text("name")
    customer_id = text("customer_id")
    if "customer_id" not in mapping:
        customer_id = name.map(customer_key)
        notices.append("no customer-id column: customer ids derived from the normalised names")
        flags.flag(name.eq("").to_numpy(), "name", "empty name (the customer id is derived from it)")
    else:
        flags.flag(customer_id.eq("").to_numpy(), "customer_id", "empty customer id")
    duplicated = (customer_id.ne("") & customer_id.duplicated(keep=False)).to_numpy()
    flags.flag_repeated(customer_id, duplicated, "customer_id", "customer id")

    consumer_text = text("consumer").map(fold)
    unknown_flag = ~consumer_text.isin(_YES | _NO)
    flags.flag(unknown_flag.to_numpy(), "consumer", "expected yes or no; read as no (a business)", severity="warning")

    emails = text("email")
    bad_email = emails.ne("") & ~emails.str.split(r"[;,\s]+", regex=True).map(
        lambda parts: all(_EMAIL.match(p) for p in parts if p)).astype(bool)
    flags.flag(bad_email.to_numpy(), "email", "not an e-mail address", severity="warning")

    country = text("country").str.upper()
    flags.flag((country.ne("") & ~country.str.fullmatch(r"[A-Z]{2}")).to_numpy(), "country",
               "expected a two-letter ISO country code such as BE or NL", severity="warning")
    language = text("language").str.lower().str.replace("_", "-").str.split("-").str[0]
    flags.flag((language.ne("") & ~language.isin(_LANGUAGES)).to_numpy(), "language",
               "letters exist in nl, fr, de and en; another language gets the company's language, else English",
               severity="warning")

    ibans = text("iban").str.upper().map(lambda cell: " ".join(split_ibans(cell)))
    invalid_iban = ibans.ne("") & ~ibans.map(_ibans_valid).astype(bool)
    flags.flag(invalid_iban.to_numpy(), "iban", "IBAN check digits fail; kept, but never used to identify a payer",
               severity="warning")
    vat = text("vat_number")
    checked = {pair: _vat_valid(*pair) for pair in set(zip(vat, country, strict=True)) if pair[0]}  # once each
    vat_ok = pd.Series([checked.get(pair, True) for pair in zip(vat, country, strict=True)], index=frame.index,
                       dtype=bool)
    flags.flag((~vat_ok).to_numpy(), "vat_number",
               "not a valid VAT number (check digits or length fail); kept, check it with the customer",
               severity="warning")

    credit_limit = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    if "credit_limit" in mapping:
        currency = options.currency or "EUR"
        limits = text("credit_limit")
        mark = decide_decimal_mark(limits, options.decimal,
                                   "," if table.detected.get("delimiter") == ";" else ".").mark
        parsed, errors = parse_money(limits, pd.Series(currency, index=frame.index), mark)
        filled = limits.ne("")
        flags.flag((filled & errors.ne("")).to_numpy(), "credit_limit", errors, severity="warning")
        credit_limit = parsed.astype("Int64").where(filled & errors.eq(""), pd.NA)

    canonical = pd.DataFrame({
        "customer_id": customer_id, "name": name, "email": emails, "phone": text("phone"),
        "language": language, "country": country, "street": text("street"),
        "postal_code": text("postal_code"), "city": text("city"), "vat_number": vat,
        "segment": text("segment").str.lower(), "credit_limit": credit_limit,
        "consumer": consumer_text.isin(_YES).astype("boolean"), "iban": ibans,
        "channel": text("channel").str.lower(),
        "contact": text("contact"),
        "source": str(table.path) + ":" + pd.Series(table.row_numbers, index=frame.index).astype(str),
    })
    keep = ~flags.bad
    rows = len(frame) + len(table.findings)
    return ExportRead(table.path, "customers", profile, table.detected, mapping, rows,
                      rows - int(flags.bad.sum()) - len(table.findings),
                      canonical.loc[keep].reset_index(drop=True), flags.sorted_findings(), notices)


def split_ibans(cell: str) -> list[str]:
    """The IBANs in a cell, printed ('BE68 5390 0754 7034') or compact, separated by spaces, commas or ';'."""
    ibans: list[str] = []
    for part in re.split(r"[,;/]+", cell.upper()):
        for token in re.sub(r"[^A-Z0-9 ]", "", part).split():
            if re.match(r"^[A-Z]{2}\d{2}", token) or not ibans:
                ibans.append(token)
            else:
                ibans[-1] += token
    return ibans


def _ibans_valid(cell: str) -> bool:
    from stdnum import iban

    return all(iban.is_valid(part) for part in cell.split())


def _vat_valid(number: str, country: str = "") -> bool:
    """Whether a VAT number passes its country's check (python-stdnum). The country comes from the number's
    prefix (BE, NL, EL for Greece, XI for Northern Ireland, CHE for Switzerland ...), else from the customer's
    country column; a number whose country has no check in python-stdnum, or that names no country at all,
    passes (nothing to check it against)."""
    from stdnum import get_cc_module
    from stdnum.eu import vat

    compact = re.sub(r"[\s.\-/]", "", number).upper()
    prefix = compact[:2].lower() if re.match(r"^[A-Z]{2}", compact) else ""
    if prefix in vat.MEMBER_STATES or prefix in ("el", "xi"):  # MEMBER_STATES holds lower-case codes
        return bool(vat.is_valid(compact))
    cc = prefix or country.strip().lower()
    if cc == "gr":
        cc = "el"
    if cc in vat.MEMBER_STATES or cc in ("el", "xi"):
        return bool(vat.is_valid(cc.upper() + compact if not prefix else compact))
    module = get_cc_module(cc, "vat") if re.fullmatch(r"[a-z]{2}", cc) else None
    return module is None or bool(module.is_valid(compact))
