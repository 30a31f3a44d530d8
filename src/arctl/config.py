"""arctl.yaml: the declared settings of a workspace, validated with the line of every problem."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from arctl.errors import ConfigError
from arctl.model import DATE_FORMATS, Located, MatchSettings, canonical_columns

CONFIG_NAME = "arctl.yaml"
SOURCE_KINDS = ("invoices", "customers", "bank")
_TRUE, _FALSE = {"true", "yes", "on"}, {"false", "no", "off"}


@dataclass(frozen=True, slots=True)
class Address:
    street: str = ""
    postal_code: str = ""
    city: str = ""


@dataclass(frozen=True, slots=True)
class Company:
    name: str = ""
    legal_form: str = ""
    enterprise_number: str = ""
    vat_number: str = ""
    address: Address = Address()
    country: str = "BE"
    iban: str = ""
    bic: str = ""
    email: str = ""             # the contact address letters print and e-mails come from
    phone: str = ""
    signature: str = ""         # who signs the letters (a name, a department); the company's name when empty
    logo: str = ""              # an image file (PNG, JPEG, SVG), relative to the workspace, for the letterhead
    logo_line: int = 0          # its line in arctl.yaml, for the message when the file is not there


LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml",
              ".gif": "image/gif"}


@dataclass(frozen=True, slots=True)
class Source:
    path: Path
    kind: str
    profile: str | None = None
    snapshot: bool = False
    sheet: str | None = None
    currency: str | None = None
    date_format: str | None = None
    decimal: str | None = None
    delimiter: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    written: str = ""       # the path as written in arctl.yaml: a file, a folder (`exports/bank/`) or a glob
    line: int = 0           # its line in arctl.yaml and its place under sources:, for the message when nothing
    index: int = 0          # is there

    @property
    def where(self) -> str:
        """How a message names the source: `arctl.yaml:LINE: sources[INDEX].path`."""
        return f"{CONFIG_NAME}:{self.line}: sources[{self.index}].path"


SMTP_SECURITY = ("starttls", "tls", "none")
SMTP_PORTS = {"starttls": 587, "tls": 465, "none": 25}
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")   # `security: none` only for a test server on this machine


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """arctl.yaml `smtp:`: the server e-mails are sent through. The password is never in the file: it is read
    from the environment variable `password_env` names when sending."""

    host: str
    port: int
    security: str = "starttls"
    username: str = ""
    password_env: str = ""
    sender: str = ""              # `from`: the envelope sender (else the address in each message's From)
    bcc: str = ""                 # an archive copy of every message goes here (envelope only, not in the headers)
    ca_file: Path | None = None   # trust this CA (a private or test server) besides the system's
    timeout: int = 30             # seconds to wait for the server
    where: str = CONFIG_NAME      # `arctl.yaml:LINE: smtp` for messages


# Readings of unsure law (REFERENCE.md [U] points): the first choice is the default, the one that claims less.
LAW_CHOICES = {
    "day_count": ("actual/actual", "actual/365"),                        # REFERENCE.md section 1, day count
    "be_consumer_interest_from": ("waiting_period_end", "due_date"),     # REFERENCE.md section 4, open point (a)
    # a letter's legal periods count from the day it was posted (`arctl outbox printed`), not started before;
    # or from the day it was written (as arctl counted before it tracked printing): README "Readings of unsure law"
    "letter_period_from": ("posting_date", "written_date"),
}


@dataclass(frozen=True, slots=True)
class LawSettings:
    """How arctl reads the points REFERENCE.md leaves open (arctl.yaml `law:`)."""

    day_count: str = "actual/actual"
    be_consumer_interest_from: str = "waiting_period_end"
    letter_period_from: str = "posting_date"


# REFERENCE.md section 7, [U] (a): CEI over several months adds the period's total credit sales (the default:
# begin + sales − end then counts what was collected in the period) or the average month's (CreditGuru [S39])
CEI_SALES = ("total", "monthly_average")


@dataclass(frozen=True, slots=True)
class KpiSettings:
    """arctl.yaml `kpi:`: the readings of REFERENCE.md section 7's open points (README "KPIs")."""

    current_days: int = 0       # "current" receivables: at most this many days past due (0: not yet due, [S42])
    cei_sales: str = "total"    # CEI_SALES


@dataclass(frozen=True, slots=True)
class Config:
    company: Company = Company()
    locale: str = "nl_BE"
    currency: str = "EUR"
    timezone: str = "Europe/Brussels"
    sources: tuple[Source, ...] = ()
    matching: MatchSettings = MatchSettings()
    state_url: str | None = None
    dunning_plan: str = "standard"
    bank_max_age: int = 3
    law: LawSettings = LawSettings()
    smtp: SmtpSettings | None = None
    email_pdf: bool = True      # dunning.email_pdf: each e-mail carries its letter as PDF (when PDF is available)
    kpi: KpiSettings = KpiSettings()




@dataclass(frozen=True, slots=True)
class Workspace:
    root: Path
    config_path: Path
    config: Config


class DocumentChecker:
    """Collects every problem of a YAML document (arctl.yaml, a plan), each with its line and key path,
    so that one message lists them all."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[tuple[str, int, str]] = []

    def add(self, node: Located | None, key: str, message: str, line: int | None = None) -> None:
        where = line if line is not None else (node.line if node is not None else 0)
        place = f"{self.source}:{where}" if where else self.source
        self.problems.append((self.source, where, f"{place}: {key}: {message}" if key else f"{place}: {message}"))

    def mapping(self, node: Located | None, key: str, allowed: set[str]) -> dict[str, Located]:
        if node is None or node.value is None:
            return {}
        if not isinstance(node.value, dict):
            self.add(node, key or "(top)", "expected a mapping of keys and values")
            return {}
        for name, child in node.value.items():
            if name not in allowed:
                self.add(child, f"{key}.{name}" if key else name,
                         f"unknown key (expected one of: {', '.join(sorted(allowed))})")
        return node.value

    def sequence(self, node: Located | None, key: str, what: str) -> list[Located]:
        if node is None or node.value is None:
            return []
        if not isinstance(node.value, list):
            self.add(node, key, f"expected a list of {what}, each line starting with '- '")
            return []
        return node.value

    def text(self, data: Mapping[str, Located], name: str, key: str, default: str = "") -> str:
        node = data.get(name)
        if node is None or node.value is None:
            return default
        if isinstance(node.value, (dict, list)):
            self.add(node, key, "expected a single value, not a list or mapping")
            return default
        return str(node.value).strip()

    def texts(self, data: Mapping[str, Located], name: str, key: str) -> tuple[str, ...]:
        """A single value or a list of single values."""
        node = data.get(name)
        if node is None or node.value is None:
            return ()
        items = node.value if isinstance(node.value, list) else [node]
        found = []
        for index, item in enumerate(items):
            if item.value is None or isinstance(item.value, (dict, list)):
                self.add(item, f"{key}[{index}]" if isinstance(node.value, list) else key, "expected a single value")
            else:
                found.append(str(item.value).strip())
        return tuple(found)

    def flag(self, data: Mapping[str, Located], name: str, key: str) -> bool:
        value = self.text(data, name, key, "false").lower()
        if value not in _TRUE | _FALSE:
            self.add(data.get(name), key, f"expected true or false, got {value!r}")
        return value in _TRUE

    def raise_problems(self, headline: str, hint: str | None = None) -> None:
        if self.problems:
            raise ConfigError(problem_report(self.problems, headline), hint=hint)


def problem_report(problems: Iterable[tuple[str, int, str]], headline: str) -> str:
    ordered = sorted(set(problems), key=lambda p: (p[0], p[1], p[2]))
    return f"{headline}: {len(ordered)} problem(s):\n  " + "\n  ".join(p[2] for p in ordered)


def state_url_problem(url: str) -> str | None:
    """What is wrong with a state database URL, or None. A password in it is refused: it would sit in arctl.yaml
    (or in the shell's history); the database's own client reads it from the environment instead."""
    from urllib.parse import urlsplit

    if "://" not in url:
        return f"expected a database URL such as sqlite:///path or postgresql://host/db, got {url!r}"
    try:
        password = urlsplit(url).password
    except ValueError:
        return f"{url!r} is not a URL that can be read"
    if password:
        return ("a password is never written in the URL: leave it out (postgresql://user@host/db) and put it in "
                "the environment variable PGPASSWORD, or in ~/.pgpass")
    return None


def parse_config(doc: Located, path: Path, root: Path, *, profile_kind: Callable[[str], str]) -> Config:
    """Validate a parsed arctl.yaml into a Config; every problem is listed at once with its line.

    `profile_kind` says what a named profile reads (or raises ConfigError): the workflow passes the io
    function, so this module touches no file. Whether a source's files are there is asked only by the
    commands that read the sources (io.workspace.source_files): a source not there yet stops nothing else.
    """
    check = DocumentChecker(path.name)
    top = check.mapping(doc, "", {"company", "locale", "currency", "timezone", "sources", "matching", "state",
                                  "dunning", "law", "smtp", "kpi"})
    company_node = top.get("company")
    c = check.mapping(company_node, "company", {"name", "legal_form", "enterprise_number", "vat_number",
                                                "address", "country", "iban", "bic", "email", "phone",
                                                "signature", "logo"})
    a = check.mapping(c.get("address"), "company.address", {"street", "postal_code", "city"})
    address = Address(*(check.text(a, k, f"company.address.{k}") for k in ("street", "postal_code", "city")))
    company = Company(
        name=check.text(c, "name", "company.name"), legal_form=check.text(c, "legal_form", "company.legal_form"),
        enterprise_number=check.text(c, "enterprise_number", "company.enterprise_number"),
        vat_number=check.text(c, "vat_number", "company.vat_number"), address=address,
        country=check.text(c, "country", "company.country", "BE").upper(),
        iban=check.text(c, "iban", "company.iban").replace(" ", "").upper(),
        bic=check.text(c, "bic", "company.bic").replace(" ", "").upper(),
        email=check.text(c, "email", "company.email"), phone=check.text(c, "phone", "company.phone"),
        signature=check.text(c, "signature", "company.signature"), logo=check.text(c, "logo", "company.logo"),
        logo_line=c["logo"].line if "logo" in c else 0,
    )
    _check_company(check, c, company)
    locale = check.text(top, "locale", "locale", "nl_BE")
    _check_locale(check, top.get("locale"), locale)
    currency = check.text(top, "currency", "currency", "EUR").upper()
    _check_currency(check, top.get("currency"), "currency", currency)
    timezone = check.text(top, "timezone", "timezone", "Europe/Brussels")
    _check_timezone(check, top.get("timezone"), timezone)
    sources = _sources(check, top.get("sources"), root, profile_kind)
    matching = _matching(check, top.get("matching"))
    state = check.mapping(top.get("state"), "state", {"url"})
    state_url = check.text(state, "url", "state.url") or None
    if state_url and (problem := state_url_problem(state_url)):
        check.add(state.get("url"), "state.url", problem)
    dunning = check.mapping(top.get("dunning"), "dunning", {"plan", "bank_max_age", "email_pdf"})
    email_pdf = check.flag(dunning, "email_pdf", "dunning.email_pdf") if "email_pdf" in dunning else True
    dunning_plan = check.text(dunning, "plan", "dunning.plan", "standard")
    max_age = check.text(dunning, "bank_max_age", "dunning.bank_max_age", "3")
    if not max_age.isdecimal():
        check.add(dunning.get("bank_max_age"), "dunning.bank_max_age", f"expected a number of business days, "
                                                                        f"got {max_age!r}")
        max_age = "3"
    law = _law(check, top.get("law"))
    smtp = _smtp(check, top.get("smtp"), root)
    kpi = _kpi(check, top.get("kpi"))
    check.raise_problems(str(path), hint="fix these lines in arctl.yaml; `arctl init` writes a commented example")
    return Config(company, locale, currency, timezone, tuple(sources), matching, state_url, dunning_plan,
                  int(max_age), law, smtp, email_pdf, kpi)


def _smtp(check: DocumentChecker, node: Located | None, root: Path) -> SmtpSettings | None:
    """The `smtp:` server; a password written in the file is refused (it belongs in an environment variable)."""
    if node is None or node.value is None:
        return None
    data = check.mapping(node, "smtp", {"host", "port", "security", "username", "password_env", "password", "from",
                                        "bcc", "ca_file", "timeout"})
    if "password" in data:
        check.add(data["password"], "smtp.password", "a password is never written in arctl.yaml: put it in an "
                  "environment variable and name that variable in smtp.password_env (e.g. ARCTL_SMTP_PASSWORD)")
    host = check.text(data, "host", "smtp.host")
    if not host:
        check.add(node, "smtp.host", "missing: the name of the SMTP server (e.g. smtp.example.com)")
    security = check.text(data, "security", "smtp.security", "starttls").lower()
    if security not in SMTP_SECURITY:
        check.add(data.get("security"), "smtp.security", f"expected {', '.join(SMTP_SECURITY)}, got {security!r}")
        security = "starttls"
    elif security == "none" and host and host not in LOCAL_HOSTS:
        check.add(data.get("security"), "smtp.security", f"none (no encryption) is only for a test server on this "
                  f"machine ({', '.join(LOCAL_HOSTS)}), not {host!r}: use starttls or tls")
    port = check.text(data, "port", "smtp.port", str(SMTP_PORTS[security]))
    if not port.isdecimal() or not 0 < int(port) < 65536:
        check.add(data.get("port"), "smtp.port", f"expected a port number such as 587, got {port!r}")
        port = str(SMTP_PORTS[security])
    username = check.text(data, "username", "smtp.username")
    password_env = check.text(data, "password_env", "smtp.password_env")
    if password_env and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", password_env):
        check.add(data.get("password_env"), "smtp.password_env", f"expected the name of an environment variable "
                  f"such as ARCTL_SMTP_PASSWORD, got {password_env!r}")
    if username and not password_env:
        check.add(data.get("username"), "smtp.password_env", "missing: the environment variable that holds the "
                  f"password of {username} (e.g. password_env: ARCTL_SMTP_PASSWORD)")
    addresses = {}
    for key in ("from", "bcc"):
        addresses[key] = check.text(data, key, f"smtp.{key}")
        if addresses[key] and not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", addresses[key]):
            check.add(data.get(key), f"smtp.{key}", f"expected an e-mail address, got {addresses[key]!r}")
    ca_text = check.text(data, "ca_file", "smtp.ca_file")
    timeout = check.text(data, "timeout", "smtp.timeout", "30")
    if not timeout.isdecimal() or int(timeout) == 0:
        check.add(data.get("timeout"), "smtp.timeout", f"expected a number of seconds, got {timeout!r}")
        timeout = "30"
    ca_file = (root / ca_text) if ca_text and not Path(ca_text).is_absolute() else (Path(ca_text) if ca_text else None)
    return SmtpSettings(host, int(port), security, username, password_env, addresses["from"], addresses["bcc"],
                        ca_file, int(timeout), f"{CONFIG_NAME}:{node.line}: smtp")


def _law(check: DocumentChecker, node: Located | None) -> LawSettings:
    """The `law:` readings, each one of its choices."""
    data = check.mapping(node, "law", set(LAW_CHOICES))
    values: dict[str, str] = {}
    for key, choices in LAW_CHOICES.items():
        if key in data:
            text = check.text(data, key, f"law.{key}")
            if text not in choices:
                check.add(data[key], f"law.{key}", f"expected {' or '.join(choices)}, got {text!r}")
            else:
                values[key] = text
    return LawSettings(**values)


def _kpi(check: DocumentChecker, node: Located | None) -> KpiSettings:
    """The `kpi:` readings: what counts as current receivables, and the credit sales CEI adds."""
    data = check.mapping(node, "kpi", {"current_days", "cei_sales"})
    values: dict[str, object] = {}
    if "current_days" in data:
        text = check.text(data, "current_days", "kpi.current_days")
        if not text.isdecimal() or int(text) > 365:
            check.add(data["current_days"], "kpi.current_days", f"expected a whole number of days from 0 (not yet "
                      f"due) to 365, e.g. 0 or 30, got {text!r}")
        else:
            values["current_days"] = int(text)
    if "cei_sales" in data:
        text = check.text(data, "cei_sales", "kpi.cei_sales")
        if text not in CEI_SALES:
            check.add(data["cei_sales"], "kpi.cei_sales", f"expected {' or '.join(CEI_SALES)}, got {text!r}")
        else:
            values["cei_sales"] = text
    return KpiSettings(**values)  # type: ignore[arg-type]


def _matching(check: DocumentChecker, node: Located | None) -> MatchSettings:
    defaults = MatchSettings()
    data = check.mapping(node, "matching", {"shortfall_percent", "shortfall_max", "subset_max_invoices",
                                            "subset_pool", "name_score"})
    values: dict[str, object] = {}
    if "shortfall_percent" in data:
        try:
            values["shortfall_basis_points"] = percent_basis_points(check.text(data, "shortfall_percent", ""))
        except ConfigError as exc:
            check.add(data["shortfall_percent"], "matching.shortfall_percent", exc.message)
    if "shortfall_max" in data:
        text = check.text(data, "shortfall_max", "matching.shortfall_max")
        if not re.fullmatch(r"\d+(?:\.\d{1,3})?", text):
            check.add(data["shortfall_max"], "matching.shortfall_max", f"expected an amount such as 5.00, got {text!r}")
        else:
            values["shortfall_max"] = text
    for key, low, high in (("subset_max_invoices", 1, 8), ("subset_pool", 1, 60), ("name_score", 50, 100)):
        if key in data:
            text = check.text(data, key, f"matching.{key}")
            if not text.isdecimal() or not low <= int(text) <= high:
                check.add(data[key], f"matching.{key}", f"expected a whole number from {low} to {high}, got {text!r}")
            else:
                values[key] = int(text)
    return MatchSettings(**{**{f: getattr(defaults, f) for f in MatchSettings.__slots__}, **values})


def _sources(check: DocumentChecker, node: Located | None, root: Path,
             profile_kind: Callable[[str], str]) -> list[Source]:
    if node is None or node.value is None:
        return []
    if not isinstance(node.value, list):
        check.add(node, "sources", "expected a list of sources, each starting with '- path:'")
        return []
    allowed = {"path", "kind", "profile", "snapshot", "sheet", "currency", "date_format", "decimal", "delimiter",
               "columns"}
    sources = []
    for index, item in enumerate(node.value):
        key = f"sources[{index}]"
        data = check.mapping(item, key, allowed)
        raw_path = check.text(data, "path", f"{key}.path")
        if not raw_path:
            check.add(item, f"{key}.path", "missing: the export file, folder or glob this source reads")
            continue
        path = (root / raw_path) if not Path(raw_path).is_absolute() else Path(raw_path)
        kind = check.text(data, "kind", f"{key}.kind", "invoices")
        if kind not in SOURCE_KINDS:
            check.add(data.get("kind"), f"{key}.kind", f"expected one of {', '.join(SOURCE_KINDS)}, got {kind!r}")
        profile = check.text(data, "profile", f"{key}.profile") or None
        if profile:
            try:
                reads = profile_kind(profile)
                if reads != kind:
                    check.add(data["profile"], f"{key}.profile", f"profile {profile!r} reads {reads}, not {kind}")
            except ConfigError as exc:
                check.add(data["profile"], f"{key}.profile", str(exc).replace("\n", " "))
        currency = check.text(data, "currency", f"{key}.currency").upper() or None
        if currency:
            _check_currency(check, data.get("currency"), f"{key}.currency", currency)
        date_format = check.text(data, "date_format", f"{key}.date_format") or None
        if date_format and date_format not in DATE_FORMATS:
            check.add(data["date_format"], f"{key}.date_format", f"expected one of {', '.join(DATE_FORMATS)}")
        decimal = check.text(data, "decimal", f"{key}.decimal") or None
        if decimal and decimal not in (".", ","):
            check.add(data["decimal"], f"{key}.decimal", 'expected "." or ","')
        delimiter = check.text(data, "delimiter", f"{key}.delimiter") or None
        delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter or "", delimiter)
        if delimiter and delimiter not in (",", ";", "\t", "|"):
            check.add(data["delimiter"], f"{key}.delimiter", 'expected ",", ";", "|" or tab')
        columns_node = data.get("columns")
        columns: dict[str, str] = {}
        if columns_node is not None and columns_node.value is not None:
            allowed_columns = set(canonical_columns(kind if kind in SOURCE_KINDS else "invoices"))
            mapping = check.mapping(columns_node, f"{key}.columns", allowed_columns)
            columns = {name: str(value.value) for name, value in mapping.items()
                       if name in allowed_columns and isinstance(value.value, str)}
        sources.append(Source(path, kind, profile, check.flag(data, "snapshot", f"{key}.snapshot"),
                              check.text(data, "sheet", f"{key}.sheet") or None, currency, date_format,
                              decimal, delimiter, columns, raw_path, data["path"].line, index))
    return sources


def percent_basis_points(text: str) -> int:
    """'1', '1.0', '0.5 %' -> 100, 100, 50 (hundredths of a percent), read from the text, never a float."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.replace("%", "").replace(",", ".").strip())
    except InvalidOperation as exc:
        raise ConfigError(f"{text!r} is not a percentage such as 1 or 0.5") from exc
    points = value * 100
    if points != points.to_integral_value() or not 0 <= points <= 10000:
        raise ConfigError(f"{text!r}: expected a percentage from 0 to 100 with at most two decimals")
    return int(points)


def _check_company(check: DocumentChecker, data: dict[str, Located], company: Company) -> None:
    from babel import Locale
    from stdnum import bic, iban
    from stdnum.eu import vat

    if company.country and company.country not in Locale("en").territories:
        check.add(data.get("country"), "company.country", f"expected an ISO country code such as BE or NL, "
                                                          f"got {company.country!r}")
    if company.iban and not iban.is_valid(company.iban):
        check.add(data.get("iban"), "company.iban", f"{company.iban} is not a valid IBAN (check digits fail)")
    if company.bic and not bic.is_valid(company.bic):
        check.add(data.get("bic"), "company.bic", f"{company.bic} is not a valid BIC (8 or 11 characters)")
    if company.vat_number and not vat.is_valid(company.vat_number):
        check.add(data.get("vat_number"), "company.vat_number",
                  f"{company.vat_number} is not a valid EU VAT number (country prefix and check digits)")
    if company.email and not re.fullmatch(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+", company.email):
        check.add(data.get("email"), "company.email", f"{company.email!r} is not one e-mail address "
                                                      "(write it as name@example.com)")
    if company.logo and Path(company.logo).suffix.lower() not in LOGO_TYPES:
        check.add(data.get("logo"), "company.logo", f"{company.logo!r} is not an image file this can embed "
                                                    f"(expected one of {', '.join(sorted(LOGO_TYPES))})")
    number = re.sub(r"[\s.]", "", company.enterprise_number)
    if number:
        if company.country == "BE":
            from stdnum.be import vat as be_vat

            if not be_vat.is_valid(number):
                check.add(data.get("enterprise_number"), "company.enterprise_number",
                          f"{company.enterprise_number} is not a valid Belgian enterprise number (0123.456.749)")
        elif company.country == "NL" and not re.fullmatch(r"\d{8}", number):
            check.add(data.get("enterprise_number"), "company.enterprise_number",
                      f"{company.enterprise_number} is not a KvK number (8 digits)")


def _check_locale(check: DocumentChecker, node: Located | None, locale: str) -> None:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        check.add(node, "locale", f"unknown locale {locale!r} (expected e.g. nl_BE, fr_BE, nl_NL, en_GB)")


def _check_currency(check: DocumentChecker, node: Located | None, key: str, currency: str) -> None:
    from arctl.money import is_currency

    if not is_currency(currency):
        check.add(node, key, f"unknown currency {currency!r} (expected an ISO 4217 code such as EUR)")


def _check_timezone(check: DocumentChecker, node: Located | None, timezone: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        check.add(node, "timezone", f"unknown time zone {timezone!r} (expected e.g. Europe/Brussels)")


def default_config_text() -> str:
    return _DEFAULT_CONFIG


_DEFAULT_CONFIG = """\
# arctl workspace settings. Every amount is read from its text, never as a float.
# Lines starting with # are comments; `arctl check` validates this file and names the line of any problem.

company:                      # printed on every letter (Belgian and Dutch law require most of these)
  name: Example                   # registered name, without the legal form
  legal_form: BV                  # BV, NV, SRL, SA, CommV, VOF, B.V., GmbH ...
  enterprise_number: ""           # KBO/BCE number (0123.456.749) in Belgium, KvK number (8 digits) in the Netherlands
  vat_number: ""                  # e.g. BE0123456749 or NL123456789B01
  address:
    street: ""
    postal_code: ""
    city: ""
  country: BE                     # decides statutory interest and compensation (BE, NL, ...)
  iban: ""                        # the account customers pay to
  bic: ""
  email: ""                       # contact address printed in the letters' footer; e-mails come from it
  phone: ""                       # contact phone printed in the footer
  signature: ""                   # who signs the letters, e.g. "Ann Peeters, Credit management"
  logo: ""                        # optional letterhead image (PNG, JPEG or SVG), e.g. templates/logo.png

locale: nl_BE                 # how amounts and dates are shown: nl_BE, fr_BE, nl_NL, en_GB, de_DE ...
currency: EUR                 # the company's currency; also the default for exports without a currency column
timezone: Europe/Brussels     # decides what "today" is for --as-of

matching:                     # how sure `arctl reconcile` must be before it applies a payment by itself
  shortfall_percent: 1          # a payment this much short of the invoice is matched and flagged (bank charges) ...
  shortfall_max: "5.00"         # ... but never more than this amount of the payment's currency
  subset_max_invoices: 5        # one payment may pay at most this many invoices without naming them ...
  subset_pool: 20               # ... chosen among the customer's oldest open invoices
  name_score: 90                # 0-100: how close a bank name must be to a customer name to count

dunning:
  plan: standard                # the plan in plans/ (yours first, then the shipped ones); its segments lead to others
  bank_max_age: 3               # business days: dunning refuses to run on older bank data (--allow-stale-bank)
  email_pdf: true               # each e-mail carries its letter as PDF (with `arctl[pdf]`); about 0.1 s an e-mail

law:                          # readings of points the law leaves open (README: "Readings of unsure law")
  day_count: actual/actual      # interest per day: 1/366 of a year in a leap year; or actual/365
  be_consumer_interest_from: waiting_period_end   # Belgian consumers: interest from the end of the waiting period;
                                                  # or due_date
  letter_period_from: posting_date   # a letter's legal periods count from `arctl outbox printed DATE`; or written_date

kpi:                          # readings of points the KPI sources leave open (README: "KPIs")
  current_days: 0               # "current" receivables (best possible DSO, CEI): not yet due; or e.g. 30
  cei_sales: total              # CEI over several months adds the period's credit sales; or monthly_average

# smtp:                       # where `arctl dunning run --send` and `arctl outbox send` send the e-mails
#   host: smtp.example.com
#   port: 587
#   security: starttls          # starttls, tls (implicit, port 465), or none (a test server on this machine only)
#   username: facturen@example.com
#   password_env: ARCTL_SMTP_PASSWORD   # the environment variable holding the password: never the password here
#   from: facturen@example.com  # the envelope sender (default: the address in each message's From)
#   bcc: archief@example.com    # an archive copy of every message (not shown to the customer)
#   ca_file: certs/ca.pem       # trust this certificate authority too (a private server)

state:                        # where the workspace remembers imports, matches and (later) dunning steps
  # url: postgresql://arctl@localhost/arctl   # default: SQLite in .arctl/state.sqlite

sources:                      # what `arctl import`, `check` and `aging` read when no file is named on the command line
  # A source is a file, a folder (ending in /) or a glob (exports/bank/*.xml). A folder or a glob is watched: every
  # file that lands there is imported once by the next `arctl import`, oldest first, and `import` lists the new ones.
  - path: exports/invoices/
    kind: invoices                # invoices, customers or bank
    snapshot: true                # each export is a complete list of open items: the newest one counts, and an
                                  # invoice it no longer lists is closed (false: each file adds or updates invoices)
    # profile: generic            # default: detected from the header; generic, exact-online, xero, quickbooks-online,
                                  # odoo, zoho-invoice, invoiceninja-v4, or the name of a file in profiles/ (your own)
    # sheet: Open items           # spreadsheet sheet (default: the first sheet with data)
    # date_format: DD/MM/YYYY     # only when dates are ambiguous: YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD-MM-YYYY ...
    # decimal: ","                # only when amounts are ambiguous
    # columns:                    # override the profile: canonical name -> header in your file
    #   invoice_id: Doc nr
    #   due_date: Vervaldag
  - path: exports/customers/
    kind: customers               # the customer master; a newer export's values win
  - path: exports/bank/
    kind: bank                    # statements (camt.053, MT940, CODA, the bank's CSV or XLSX): each one imported
                                  # once, in the order of the days they cover
"""
