"""Labelled reconciliation data: invoices, customers and camt.053 statements with the truth beside them.

Where this module lives and how to import it
---------------------------------------------
It is a plain module in `benchmarks/` (no package, no `__init__.py`), because it writes files and so
does not belong in the pure engines under `src/arctl/reconcile/`, and because both the quality test and
a benchmark script need it:

- the test (`tests/test_reconcile_quality.py`) puts the repository's `benchmarks/` folder first on
  `sys.path` and does `from labelled import make_case, score`; that works however pytest is started
  (`python -m pytest`, `pytest`, any import mode), since it does not depend on the rootdir or cwd;
- a script in `benchmarks/` imports it as `labelled` directly (Python puts the script's own folder on
  `sys.path`).

pytest never collects it (`testpaths = ["tests"]`, and its name does not start with `test_`).

What it makes
-------------
`make_case(seed, invoices=2000, lines=700, out_dir=None)` builds, from `random.Random(seed)` alone (the
same arguments give the same frames and byte-identical files):

- an invoices frame with the canonical invoice columns (model.INVOICE_COLUMNS): Belgian and Dutch
  customers' open invoices numbered `2026-0042`, `due_date` datetime64[s], EUR, `amount` and
  `open_amount` in int64 cents (about 8 % partly paid already), `reference` the printed OGM
  (`+++260/0004/21733+++`) for about half of them, a printed RF reference (`RF71 2026 0042`) for about
  a quarter of the Dutch customers' invoices (about 5 % in all; an RF payment needs an RF that was
  printed), empty for the rest;
- a customers frame with the canonical customer columns: `customer_id`, `name` (with legal form),
  `iban` (compact IBANs separated by a space; about 15 % of customers have none); the other columns are
  empty;
- the bank statement: one camt.053.001.02 file per half of the period, written to `out_dir` when given
  (`case.files`), the second repeating the last `OVERLAP_LINES` transactions of the first (same
  `AcctSvcrRef`), and the same transactions once each as a canonical bank-line frame (`case.bank`);
- the truth (`case.truth`): for every transaction, keyed by its `txn_id` (the statement account + ":" +
  the `AcctSvcrRef` `LBL-000123` written for it, as `read_camt` makes it), its case label and the
  allocations (invoice_id, cents) a careful bookkeeper would make without asking anyone, or none.
  `case.for_person` are the lines a careful bookkeeper leaves for a person (ambiguous), and
  `case.unrelated` the lines that are no customer payment at all.

The careful bookkeeper
----------------------
Allocates a payment automatically when one invoice or one set of invoices is certain:

- a valid structured reference (OGM or RF) of one open invoice, however it is written: that invoice,
  with the amount paid (a partial payment or one short by bank charges leaves the rest open), at most
  its open amount (an overpayment pays the invoice and the excess stays unallocated);
- invoice numbers written in the text, of one customer, whose total the payment fits;
- a payer known by IBAN from the customer master whose payment equals exactly one of its open invoices,
  is short of exactly one by no more than the bank-charges policy (1 % of the invoice, at most 5.00:
  MatchSettings' defaults), or equals exactly one combination of its oldest open invoices;
- a payer known only by name (in capitals, without legal form, perhaps with a typo) when the name
  names one customer beyond doubt and the amount equals exactly one open invoice of that customer and
  no other customer's open invoice;
- a payer known by IBAN paying exactly the one open invoice whose reference is one slip away from the
  reference it quotes (that reference's check digits fail; the slip is wrong check digits after the
  right first ten digits, one digit changed, or two neighbours swapped: mod 97 (OGM/VCS) and ISO 7064
  mod 97-10 (RF, ISO 11649) catch each of these, so the reference is certainly mistyped, and no other
  invoice's reference is one slip away from it): the payment and the reference agree.

Never automatically when the evidence conflicts: a reference (valid, or one slip away from an
invoice's) or an invoice number in the text that names one open invoice while the payment does not
fit it but pays exactly another invoice of the payer (known by IBAN) is left for a person. So the
reference cases whose amount does not pay the invoice (partial and overpayments) are built only where
no other open invoice of the customer fits the amount.

The generator only builds lines for which that is unarguable: every payer case is checked against the
customer's other open invoices and combinations of up to five of its 20 oldest (no other fit within
the policy), every name-only amount against every open amount in the ledger (before and after the
payments), and every unknown payer's name against every customer name.
It leaves for a person: a reference whose check digits fail (a typo), paid by someone the customer
master does not know; an amount equal to open invoices of two customers from an unknown payer without
any text; the conflicting evidence above (`conflicting_reference`, `conflicting_pointer`). Nobody
allocates: tax refunds, interest, insurance payouts, debits, and a payment that was returned (both the
payment and its return).

`score(reconciliation, truth)` compares an engine result with the truth: an allocation is correct only
when its line, its invoice and its amount are all right.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
from rapidfuzz import fuzz, process

from arctl.model import BANK_COLUMNS, CUSTOMER_COLUMNS, INVOICE_COLUMNS, MatchSettings
from arctl.refs import ogm_for_invoice

# ---------------------------------------------------------------------------------------------
# The case mix (per 700 bank transactions; other sizes are apportioned in the same proportions)
# ---------------------------------------------------------------------------------------------

CASE_MIX: dict[str, int] = {
    # structured references, about half: valid OGM or RF of one open invoice, paid in full
    "reference_ogm_structured": 135,  # OGM in Strd/CdtrRefInf/Ref: 12 digits, a few with slashes or spaces
    "reference_ogm_text": 80,         # OGM in the remittance text: +++123/4567/89012+++, ***...***, 12 bare digits
    "reference_ogm_spaced": 40,       # OGM in the text without the +++: 123/4567/89012, 123 4567 89012, + spaced
    "reference_ogm_letter": 35,       # the OGM arctl prints on letters for an invoice without its own reference
    "reference_rf": 35,               # ISO 11649 RF printed on the invoice: compact in Strd, grouped in the text
    # the rest
    "invoice_number": 55,             # Factuur 2026/0042, INV-2026-0042, fact 20260042, Facture n° 2026-0042 ...
    "invoice_numbers_two": 15,        # two invoice numbers of one customer in one text, the total paid
    "payer_iban_exact": 50,           # payer known by IBAN, no reference, amount of exactly one open invoice
    "payer_iban_combined": 30,        # payer known by IBAN pays its 2-4 oldest open invoices in one amount
    "partial_payment": 20,            # valid reference, 20-80 % of the invoice paid
    "overpayment": 15,                # valid reference, more than the open amount paid
    "fees_deducted": 30,              # 0.50-4.99 short: half with a reference, half payer by IBAN (within policy)
    "name_only": 25,                  # name in capitals without legal form, unknown IBAN, amount unique
    "mistyped_reference_agrees": 15,  # a reference one slip off invoice A's, payer known by IBAN pays exactly A
    "wrong_check_digits": 15,         # a reference with a typo (check fails), unknown payer: a person decides
    "ambiguous_amount": 15,           # amount of open invoices of two customers, unknown payer, no text
    "conflicting_reference": 15,      # a reference one slip off invoice A's; a payer known by IBAN pays exactly B
    "conflicting_pointer": 15,        # a valid reference or the invoice number of A; known payer pays exactly B
    "unrelated_credit": 20,           # tax refund (FOD FINANCIEN), interest (RENTE), an insurer's payout
    "debit": 30,                      # supplier payments, salaries, taxes, bank costs
    "reversal": 10,                   # 5 payments and their returns (RvslInd, RtrInf reason)
}
OVERLAP_LINES = 5                     # the second statement repeats the first one's last 5 transactions

CASE_TRUTH: dict[str, str] = {
    **{label: "auto" for label in CASE_MIX},
    "wrong_check_digits": "person", "ambiguous_amount": "person",
    "conflicting_reference": "person", "conflicting_pointer": "person",
    "unrelated_credit": "nobody", "debit": "nobody", "reversal": "nobody",
}
FOR_PERSON_LABELS = frozenset(label for label, kind in CASE_TRUTH.items() if kind == "person")
UNRELATED_LABELS = frozenset(label for label, kind in CASE_TRUTH.items() if kind == "nobody")
NO_AUTO_LABELS = FOR_PERSON_LABELS | UNRELATED_LABELS

AS_OF = date(2026, 11, 26)
PERIOD_START = date(2026, 10, 27)     # the statements' first booking day
PERIOD_END = date(2026, 11, 25)       # ... and last
FIRST_ISSUE = date(2025, 12, 1)
ACCOUNT_OWNER = "Voorbeeld Groothandel BV"
CURRENCY = "EUR"


# ---------------------------------------------------------------------------------------------
# The truth and the case
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expected:
    """What a careful bookkeeper does with one bank transaction."""

    label: str
    allocations: tuple[tuple[str, int], ...]   # (invoice_id, cents) made automatically; () for none
    shown: str                                 # the line as a person reads it, for reports

    @property
    def kind(self) -> str:
        """'auto' (allocates without asking), 'person' (leaves it for a person) or 'nobody' (not a payment)."""
        return CASE_TRUTH[self.label]


@dataclass(slots=True)
class Case:
    """A labelled set: the frames the engine reads, the statement files, and the truth beside them."""

    seed: int
    account: str
    invoices: pd.DataFrame
    customers: pd.DataFrame
    bank: pd.DataFrame                         # every transaction once (canonical bank lines)
    files: tuple[Path, ...]                    # the camt.053 files (empty when no out_dir was given)
    truth: dict[str, Expected]                 # txn_id -> what the careful bookkeeper does
    repeated: tuple[str, ...]                  # txn_ids that both statements hold
    mix: dict[str, int]

    @property
    def for_person(self) -> set[str]:
        return {txn for txn, expected in self.truth.items() if expected.kind == "person"}

    @property
    def unrelated(self) -> set[str]:
        return {txn for txn, expected in self.truth.items() if expected.kind == "nobody"}

    @property
    def expected_allocations(self) -> int:
        return sum(len(expected.allocations) for expected in self.truth.values())


# ---------------------------------------------------------------------------------------------
# Names, IBANs, references (copied in style from examples/generate.py, trimmed to BE and NL)
# ---------------------------------------------------------------------------------------------

BE_NL_SURNAMES = ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
                  "Wouters", "De Smet", "Van Damme", "Vermeulen", "Hermans", "Pauwels", "Verstraete",
                  "Van de Velde", "Coppens", "De Backer", "Michiels", "Aerts", "Lambrechts", "Verhaeghe",
                  "Daniëls", "Noël", "Ceulemans", "Van Acker", "Vandenberghe", "Dewulf", "Claeys",
                  "Verbeke", "Goethals", "Van Hoof", "Stevens", "Segers", "Huysmans", "Moreël",
                  "Schepens", "Dierickx")
BE_FR_SURNAMES = ("Dubois", "Lambert", "Martin", "Dupont", "Lefèvre", "Leclercq", "Renard", "Mercier",
                  "François", "Hubert", "Lejeune", "Simon", "Laurent", "Collignon", "Gérard", "Goffin",
                  "Henrard", "Lemaire", "Thiry", "Jacquemin", "Piérard", "Delvaux", "Bastin", "Wathelet",
                  "Fontaine", "Mathieu", "Léonard", "Gilson", "Charlier", "Delcourt")
NL_SURNAMES = ("de Vries", "Jansen", "de Jong", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
               "Mulder", "de Groot", "Bos", "Vos", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
               "de Wit", "Dijkstra", "Smits", "van der Meer", "Kuiper", "Veenstra", "Postma", "Koster",
               "Prins", "Huisman", "van Beek", "Hoekstra", "Verhoeven", "Jonker", "Schouten", "Kramer")

NAME_SPECS = {
    ("BE", "nl"): {
        "templates": ((6, "{trade} {surname}"), (3, "{surname} {sector}"), (1, "{surname} & {surname2}")),
        "trade": ("Bakkerij", "Slagerij", "Schrijnwerkerij", "Garage", "Drukkerij", "Brouwerij",
                  "Installatiebedrijf", "Tuinaanleg", "Dakwerken", "Transport", "Schilderwerken",
                  "Bouwonderneming", "Frituur", "Koffiebranderij", "Vishandel", "Houthandel", "Kapsalon",
                  "Boekhandel", "Vloerwerken", "Crèmerie", "Brasserie"),
        "sector": ("Bouw", "Logistics", "Interieur", "Techniek", "Elektro", "Renovatie", "Solutions"),
        "surname": BE_NL_SURNAMES,
        "form": ((60, "BV"), (15, "NV"), (10, "CommV"), (10, "VOF"), (5, "BVBA")),
    },
    ("BE", "fr"): {
        "templates": ((7, "{trade} {surname}"), (2, "{surname} {sector}"), (1, "{surname} & {surname2}")),
        "trade": ("Menuiserie", "Boulangerie", "Boucherie", "Imprimerie", "Garage", "Toiture", "Plomberie",
                  "Électricité", "Carrosserie", "Traiteur", "Maçonnerie", "Façades", "Pâtisserie",
                  "Librairie", "Chauffage", "Jardins", "Transports", "Fromagerie", "Ébénisterie"),
        "sector": ("Construction", "Rénovation", "Logistique", "Techniques", "Services", "Frères"),
        "surname": BE_FR_SURNAMES,
        "form": ((70, "SRL"), (20, "SA"), (10, "SC")),
    },
    ("NL", "nl"): {
        "templates": ((7, "{trade} {surname}"), (3, "{surname} {sector}")),
        "trade": ("Bakkerij", "Installatiebedrijf", "Bouwbedrijf", "Hoveniersbedrijf", "Transportbedrijf",
                  "Drukkerij", "Kaashandel", "Timmerbedrijf", "Loodgietersbedrijf", "Schildersbedrijf",
                  "Autobedrijf", "Groothandel", "Rijwielhandel", "Dakdekkersbedrijf", "Café", "Zeilmakerij"),
        "sector": ("Techniek", "Bouw", "Logistiek", "Interieurbouw", "Metaal", "Vastgoed", "Advies"),
        "surname": NL_SURNAMES,
        "form": ((70, "B.V."), (15, "VOF"), (10, "V.O.F."), (5, "")),
    },
}
CUSTOMER_KINDS = ((55, ("BE", "nl")), (20, ("BE", "fr")), (25, ("NL", "nl")))
FIRST_INITIALS = "ABCDEFGHIJKLMNOPRSTVW"

# Third parties who pay for a customer (the customer master does not know them).
THIRD_PARTY = ("Fiduciaire {s}", "Boekhoudkantoor {s}", "Accountancy {s}", "Bureau comptable {s}",
               "Administratiekantoor {s}", "Holding {s}")

BE_BANKS = ("001", "063", "068", "096", "103", "143", "310", "320", "340", "363", "390", "523", "630",
            "652", "731", "734", "735", "736", "738", "739", "751", "850", "860", "891", "979")
NL_BANKS = ("ABNA", "INGB", "RABO", "TRIO")

# Amount bands in cents: (weight, low, high).
B2B_BANDS = ((4, 1_000, 4_999), (5, 5_000, 9_999), (30, 10_000, 49_999), (25, 50_000, 149_999),
             (16, 150_000, 299_999), (8, 300_000, 500_000), (9, 500_001, 1_500_000),
             (3, 1_500_001, 3_300_000))

PAID_IN_TEXT = {
    "nl": ("Betaling factuur", "Factuur", "Factuur nr.", "Betaling", "Uw factuur", "Voldaan factuur"),
    "fr": ("Paiement facture", "Facture n°", "Facture", "Paiement", "Votre facture", "Règlement facture"),
}
NEUTRAL_TEXT = {
    "nl": ("", "", "", "Betaling", "Voldaan", "Betaling openstaand saldo", "Overschrijving"),
    "fr": ("", "", "", "Paiement", "Règlement", "Virement", "Paiement solde"),
}
COMBINED_TEXT = {
    "nl": ("", "Betaling facturen", "Verzamelbetaling", "Facturen vorige maand", "Zie specificatie per mail",
           "Betaling openstaande facturen"),
    "fr": ("", "Paiement factures", "Paiement groupé", "Factures du mois passé", "Voir détail par mail"),
}
PARTIAL_TEXT = {"nl": ("Voorschot", "Deelbetaling", "Eerste schijf", "Afbetaling"),
                "fr": ("Acompte", "Paiement partiel", "Premier versement", "Tranche 1")}


def weighted(rng: random.Random, pairs):
    """Pick from ((weight, value), ...) with integer weights."""
    total = sum(weight for weight, _ in pairs)
    pick = rng.randrange(total)
    for weight, value in pairs:
        if pick < weight:
            return value
        pick -= weight
    raise AssertionError("unreachable")


def apportion(total: int, pairs) -> dict[str, int]:
    """Split total over ((key, weight), ...) by largest remainder; ties go to the earlier key."""
    pairs = list(pairs)
    weight_sum = sum(weight for _, weight in pairs)
    counts = {key: total * weight // weight_sum for key, weight in pairs}
    order = sorted(range(len(pairs)), key=lambda i: (-(total * pairs[i][1] % weight_sum), i))
    for i in order[: total - sum(counts.values())]:
        counts[pairs[i][0]] += 1
    return counts


def digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def ascii_upper(text: str) -> str:
    """What a bank shows of a name: capitals, accents gone, SEPA's characters only."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").upper()
    kept = "".join(ch if ch.isalnum() or ch in " .,-'/+" else " " for ch in plain.replace("&", "+"))
    return " ".join(kept.split())


def mod97(base: str) -> int:
    return int(base) % 97 or 97


def ogm_digits(base10: str) -> str:
    return f"{base10}{mod97(base10):02d}"


def ogm_printed(digits12: str) -> str:
    return f"+++{digits12[:3]}/{digits12[3:7]}/{digits12[7:]}+++"


def ogm_valid(digits12: str) -> bool:
    return len(digits12) == 12 and digits12.isdigit() and mod97(digits12[:10]) == int(digits12[10:])


def rf_reference(body: str) -> str:
    """ISO 11649: RF + check digits (ISO 7064 mod 97-10 over body + 'RF00') + body."""
    numeric = "".join(str(int(ch, 36)) for ch in body + "RF00")
    return f"RF{98 - int(numeric) % 97:02d}{body}"


def rf_grouped(compact: str) -> str:
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def rf_valid(compact: str) -> bool:
    """ISO 11649: the first four characters moved to the end, letters as numbers (A=10 ... Z=35), mod 97 = 1."""
    moved = compact[4:] + compact[:4]
    return compact[:2] == "RF" and moved.isalnum() and int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def one_slip(text: str) -> set[str]:
    """`text` with one digit changed or two neighbouring characters swapped (letters are left alone)."""
    out = {text[:i] + d + text[i + 1:] for i, ch in enumerate(text) if ch.isdigit() for d in "0123456789"}
    out |= {text[:i] + text[i + 1] + text[i] + text[i + 2:] for i in range(len(text) - 1)}
    return out - {text}


def meant(written: str) -> set[str]:
    """The valid references a mistyped OGM (12 digits) or RF (compact) is one slip away from."""
    if written.startswith("RF"):
        body = written[4:]
        candidates = {rf_reference(body)} | {written[:4] + other for other in one_slip(body)}
        return {value for value in candidates if rf_valid(value)}
    candidates = {ogm_digits(written[:10])} | one_slip(written)
    return {value for value in candidates if value.isdigit() and ogm_valid(value)}


def iban(country: str, bban: str) -> str:
    """Country code + ISO 13616 mod-97 check digits + BBAN."""
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


def be_bban(rng: random.Random) -> str:
    first10 = rng.choice(BE_BANKS) + digits(rng, 7)
    return f"{first10}{mod97(first10):02d}"


def nl_bban(rng: random.Random) -> str:
    bank = rng.choice(NL_BANKS)
    if bank == "INGB":
        return bank + "000" + str(rng.randint(1, 9)) + digits(rng, 6)
    while True:
        body = "0" + str(rng.randint(1, 9)) + digits(rng, 7)
        last = -sum(int(d) * w for d, w in zip(body, range(10, 1, -1))) % 11
        if last < 10:
            return bank + body + str(last)


def normalise(name: str) -> str:
    """The careful bookkeeper's reading of a name: case, accents, punctuation and legal forms ignored."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").casefold()
    plain = plain.replace("b.v.", "bv").replace("v.o.f.", "vof")
    words = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    forms = {"bv", "nv", "commv", "vof", "bvba", "srl", "sa", "sc"}
    return " ".join(w for w in words if w not in forms)


def typo(rng: random.Random, text: str) -> str:
    """One slip of the keyboard inside a word (never the first letter): dropped, doubled or swapped."""
    spots = [i for i in range(1, len(text) - 1) if text[i].isalpha() and text[i + 1].isalpha()]
    if not spots:
        return text
    i = rng.choice(spots)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def end_to_end(rng: random.Random) -> str:
    """An EndToEndId: often NOTPROVIDED, else a payer's own id (always ending in a letter)."""
    roll = rng.randrange(10)
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    if roll < 5:
        return "NOTPROVIDED"
    if roll < 8:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(10, 22))) + rng.choice("ABCDEFGHKMPQRTXZ")
    return f"E2E-{rng.randint(100000, 999999)}-{rng.choice('ABCDEFGHKMPQRTXZ')}{rng.choice('ABCDEFGHKMPQRTXZ')}"


# ---------------------------------------------------------------------------------------------
# The ledger
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Customer:
    cid: str
    name: str
    core: str
    country: str
    language: str
    ibans: list[str]
    invoices: list[_Invoice] = field(default_factory=list)


@dataclass(slots=True)
class _Invoice:
    number: str
    cid: str
    issue: date
    due: date
    amount: int
    open: int
    seq: int = 0
    reference: str = ""        # as printed ("+++...+++", "RF.. .... ....") or ""
    ref_kind: str = ""         # "ogm", "rf" or ""
    ref_value: str = ""        # 12 digits or the compact RF
    exported_open: int = 0     # open_amount in the export (before the statements' payments)


@dataclass(slots=True)
class _Line:
    label: str
    amount: int                # signed cents
    day: date
    name: str = ""
    iban: str = ""
    strd: str = ""
    ustrd: str = ""
    e2e: str = "NOTPROVIDED"
    reversal: bool = False
    return_reason: str = ""
    family: tuple[str, str, str] = ("PMNT", "RCDT", "ESCT")
    allocations: tuple[tuple[str, int], ...] = ()
    ref: str = ""              # AcctSvcrRef, given once all lines are sorted


class _Generator:
    def __init__(self, seed: int, n_invoices: int, n_lines: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.n_invoices = n_invoices
        self.n_lines = n_lines
        policy = MatchSettings()
        self.basis_points = policy.shortfall_basis_points
        self.cap = int(Decimal(policy.shortfall_max) * 100)
        self.subset_max = policy.subset_max_invoices
        self.subset_pool = policy.subset_pool
        self.customers: list[_Customer] = []
        self.by_number: dict[str, _Invoice] = {}
        self.used_ibans: set[str] = set()
        self.used_refs: set[str] = set()
        self.open_owners: dict[int, Counter] = defaultdict(Counter)  # cents -> customer -> open invoices (ever)
        self.days = [PERIOD_START + timedelta(days=i) for i in range((PERIOD_END - PERIOD_START).days + 1)]
        self.days = [d for d in self.days if d.weekday() < 5]
        self.account = iban("BE", be_bban(self.rng))
        self.used_ibans.add(self.account)
        self.norm_names: list[str] = []
        self.norm_owner: list[str] = []

    # --- customers and invoices ---

    def build_ledger(self) -> None:
        rng = self.rng
        n_customers = max(30, self.n_invoices // 5)
        used_cores: set[str] = set()
        for i in range(n_customers):
            country, language = weighted(rng, CUSTOMER_KINDS)
            name, core = self.company_name(NAME_SPECS[(country, language)], used_cores)
            roll = rng.randrange(100)
            count = 0 if roll < 15 else (2 if roll >= 92 else 1)
            ibans = [self.fresh_iban(country) for _ in range(count)]
            self.customers.append(_Customer(f"C{i + 1:05d}", name, core, country, language, ibans))
        for customer in self.customers:
            self.norm_names.append(normalise(customer.name))
            self.norm_owner.append(customer.cid)
        counts = self.invoice_counts()
        for customer, count in zip(self.customers, counts, strict=True):
            for _ in range(count):
                customer.invoices.append(self.make_invoice(customer))
        self.number_invoices()
        for customer in self.customers:
            for invoice in customer.invoices:
                self.add_reference(customer, invoice)
                self.by_number[invoice.number] = invoice
                invoice.exported_open = invoice.open
                self.open_owners[invoice.open][invoice.cid] += 1
            customer.invoices.sort(key=lambda inv: (inv.due, inv.number))

    def company_name(self, spec: dict, used: set[str]) -> tuple[str, str]:
        rng = self.rng
        for attempt in range(60):
            template = weighted(rng, spec["templates"])
            values = {key: rng.choice(spec[key]) for key in ("trade", "sector") if key in spec}
            values["surname"] = rng.choice(spec["surname"])
            values["surname2"] = rng.choice([s for s in spec["surname"] if s != values["surname"]])
            core = template.format(**values)
            core = core[:1].upper() + core[1:]
            if attempt >= 40:
                core = f"{core} {rng.choice(('Gent', 'Luik', 'Hasselt', 'Namur', 'Breda', 'Zwolle'))}"
            if normalise(core) in used:
                continue
            used.add(normalise(core))
            form = weighted(rng, spec["form"])
            return " ".join(f"{core} {form}".split()), core
        raise RuntimeError("could not find a new company name")

    def fresh_iban(self, country: str = "") -> str:
        country = country or weighted(self.rng, ((70, "BE"), (30, "NL")))
        while True:
            value = iban(country, be_bban(self.rng) if country == "BE" else nl_bban(self.rng))
            if value not in self.used_ibans:
                self.used_ibans.add(value)
                return value

    def invoice_counts(self) -> list[int]:
        rng = self.rng
        shape = ((10, 1), (15, 2), (17, 3), (16, 4), (13, 5), (10, 6), (5, 7), (4, 8), (3, 9), (3, 10),
                 (2, 12), (2, 15))
        counts = [weighted(rng, shape) for _ in self.customers]
        while (diff := self.n_invoices - sum(counts)) != 0:
            i = rng.randrange(len(counts))
            if diff > 0 and counts[i] < 20:
                counts[i] += 1
            elif diff < 0 and counts[i] > 1:
                counts[i] -= 1
        return counts

    def make_invoice(self, customer: _Customer) -> _Invoice:
        rng = self.rng
        age = weighted(rng, ((35, (0, 30)), (25, (31, 60)), (20, (61, 120)), (20, (121, 360))))
        issue = AS_OF - timedelta(days=rng.randint(*age))
        issue = max(issue, FIRST_ISSUE)
        if issue.weekday() >= 5:
            issue -= timedelta(days=issue.weekday() - 4)
        term = weighted(rng, ((12, 14), (72, 30), (16, 60)))
        _, low, high = weighted(rng, tuple((band[0], band) for band in B2B_BANDS))
        amount = rng.randint(low, high)
        if rng.randrange(100) < 35:
            amount = max(1_000, amount // 100 * 100 + rng.choice((0, 0, 21, 6)) * amount // 10_000)
        open_amount = amount
        if rng.randrange(100) < 8 and amount >= 5_000:  # partly paid before the export was taken
            paid = amount * rng.randint(20, 80) // 100 // 1_000 * 1_000
            open_amount = amount - paid if 0 < paid < amount else amount - amount // 2
        return _Invoice("", customer.cid, issue, issue + timedelta(days=term), amount, open_amount)

    def number_invoices(self) -> None:
        rng = self.rng
        invoices = sorted((inv for c in self.customers for inv in c.invoices), key=lambda inv: (inv.issue, inv.cid))
        counters: dict[int, int] = {}
        for invoice in invoices:
            year = invoice.issue.year
            counters.setdefault(year, 3301 if year == 2025 else 1)
            counters[year] += weighted(rng, ((60, 0), (30, 1), (10, 2)))
            invoice.seq = counters[year]
            invoice.number = f"{year}-{counters[year]:04d}"
            counters[year] += 1

    def add_reference(self, customer: _Customer, invoice: _Invoice) -> None:
        rng = self.rng
        if customer.country == "BE" and rng.randrange(100) < 70:
            base = f"{invoice.issue.year % 100:02d}{invoice.seq % 1_000_000:06d}{int(customer.cid[1:]) % 100:02d}"
            value = ogm_digits(base)
            if value not in self.used_refs:
                invoice.reference, invoice.ref_kind, invoice.ref_value = ogm_printed(value), "ogm", value
        elif customer.country == "NL" and rng.randrange(100) < 25:
            value = rf_reference(invoice.number.replace("-", ""))
            invoice.reference, invoice.ref_kind, invoice.ref_value = rf_grouped(value), "rf", value
        if invoice.ref_value:
            self.used_refs.add(invoice.ref_value)
        else:
            self.used_refs.add(ogm_for_invoice(invoice.number))

    # --- the careful bookkeeper's checks ---

    def tolerance(self, cents: int) -> int:
        return min(abs(cents) * self.basis_points // 10_000, self.cap)

    def fits(self, customer: _Customer, amount: int) -> list[tuple[str, ...]]:
        """Every invoice, or set of 2-5 of the 20 oldest, that `amount` pays exactly or short within policy."""
        items = [inv for inv in customer.invoices if inv.open > 0]
        found = [(inv.number,) for inv in items if 0 <= inv.open - amount <= self.tolerance(inv.open)]
        pool = items[: self.subset_pool]
        for size in range(2, min(self.subset_max, len(pool)) + 1):
            for combo in itertools.combinations(pool, size):
                due = sum(inv.open for inv in combo)
                if 0 <= due - amount <= self.tolerance(due):
                    found.append(tuple(inv.number for inv in combo))
        return found

    def names_one(self, written: str, customer: _Customer) -> bool:
        """The written name names this customer beyond doubt, and no other comes close."""
        key = normalise(written)
        scores = process.extract(key, self.norm_names, scorer=fuzz.token_sort_ratio, limit=3)
        best = [(score, self.norm_owner[index]) for _, score, index in scores]
        if not best or best[0][1] != customer.cid or best[0][0] < 90:
            return False
        return all(score < 85 for score, owner in best[1:] if owner != customer.cid)

    def names_none(self, written: str) -> bool:
        """The written name is nobody in the customer master (no customer name comes close)."""
        key = normalise(written)
        found = process.extractOne(key, self.norm_names, scorer=fuzz.token_sort_ratio)
        return found is None or found[1] < 75

    # --- drawing ---

    def pay_day(self, *invoices: _Invoice, latest: date = PERIOD_END) -> date | None:
        earliest = max(inv.issue for inv in invoices) + timedelta(days=1)
        days = [d for d in self.days if earliest <= d <= latest]
        return self.rng.choice(days) if days else None

    def remainder_ok(self, cents: int) -> bool:
        return cents > 0 and cents not in self.open_owners

    def paid(self, invoice: _Invoice, cents: int) -> None:
        """Record what stays open of an invoice once the bookkeeper has applied `cents` to it."""
        invoice.open -= cents
        if invoice.open > 0:
            self.open_owners[invoice.open][invoice.cid] += 1

    def payer_name(self, customer: _Customer, *, allow_other: bool = True) -> str:
        """How the bank shows a customer's name: capitals without legal form mostly, sometimes with a typo."""
        rng = self.rng
        roll = rng.randrange(100)
        if roll < 55:
            return ascii_upper(customer.core)
        if roll < 75:
            return ascii_upper(customer.name)
        if roll < 85:
            return customer.name
        if roll < 95 or not allow_other:
            return typo(rng, ascii_upper(customer.core))
        return ascii_upper(rng.choice(THIRD_PARTY).format(s=rng.choice(BE_FR_SURNAMES + BE_NL_SURNAMES)))

    def unknown_payer(self, third_party: bool) -> str:
        rng = self.rng
        for _ in range(200):
            surname = rng.choice(BE_NL_SURNAMES + BE_FR_SURNAMES + NL_SURNAMES)
            if third_party:
                written = ascii_upper(rng.choice(THIRD_PARTY).format(s=surname))
            else:
                written = ascii_upper(f"{rng.choice(FIRST_INITIALS)}. {surname}" if rng.randrange(2)
                                      else f"{surname} {rng.choice(FIRST_INITIALS)}{rng.choice(FIRST_INITIALS)}")
            if self.names_none(written):
                return written
        raise RuntimeError("no unknown payer name found")

    def paying_account(self, customer: _Customer) -> tuple[str, str]:
        """(name, IBAN) on a customer's payment quoting a reference or an invoice number.

        Its known IBAN mostly; else another account of its own (name only); and one in six is paid by
        someone the customer master does not know (its accountant, a parent company, a private person),
        so that only what the payment quotes can tell whose invoice it pays.
        """
        roll = self.rng.randrange(100)
        if roll < 17:
            return self.unknown_payer(third_party=self.rng.randrange(2) == 0), self.fresh_iban()
        if customer.ibans and roll < 80:
            return self.payer_name(customer), self.rng.choice(customer.ibans)
        return self.payer_name(customer, allow_other=False), self.fresh_iban(customer.country)

    # --- the lines ---

    def build_lines(self) -> list[_Line]:
        rng = self.rng
        mix = apportion(self.n_lines, CASE_MIX.items())
        if mix["reversal"] % 2:
            mix["reversal"] -= 1
            mix["debit"] += 1
        self.mix = mix
        order = list(self.customers)
        rng.shuffle(order)
        # The payer cases come first, each from a customer no other line touches, so that what is open
        # for it when it pays is known; every customer they try is kept away from the other cases.
        small = [c for c in order if 1 <= len(c.invoices) <= 12]
        self.iban_pool = [c for c in small if c.ibans]
        self.name_pool = [c for c in small if not c.ibans] + [c for c in small if c.ibans]
        self.tried: set[str] = set()
        lines: list[_Line] = []
        lines += self.payer_exact(mix["payer_iban_exact"])
        lines += self.payer_combined(mix["payer_iban_combined"])
        lines += self.fees_by_payer(mix["fees_deducted"] // 2)
        lines += self.name_only(mix["name_only"])
        lines += self.mistyped_agrees(mix["mistyped_reference_agrees"])
        lines += self.conflicting_references(mix["conflicting_reference"])
        lines += self.conflicting_pointers(mix["conflicting_pointer"])
        self.general = [c for c in order if c.cid not in self.tried]
        self.free = [inv for c in self.general for inv in c.invoices if inv.issue < PERIOD_END]
        rng.shuffle(self.free)
        lines += self.ambiguous(mix["ambiguous_amount"])
        lines += self.references(mix)
        lines += self.partials(mix["partial_payment"])
        lines += self.fees_with_reference(mix["fees_deducted"] - mix["fees_deducted"] // 2)
        lines += self.overpayments(mix["overpayment"])
        lines += self.invoice_numbers(mix["invoice_number"], mix["invoice_numbers_two"])
        lines += self.wrong_check_digits(mix["wrong_check_digits"])
        lines += self.reversals(mix["reversal"] // 2)
        lines += self.unrelated(mix["unrelated_credit"])
        lines += self.debits(mix["debit"])
        counted = Counter(line.label for line in lines)
        if counted != Counter({k: v for k, v in mix.items() if v}):
            raise ValueError(f"could not build the case mix {mix} from {self.n_invoices} invoices: got {dict(counted)}")
        return lines

    def take(self, test, label: str) -> _Invoice:
        for i, invoice in enumerate(self.free):
            if test(invoice):
                return self.free.pop(i)
        raise ValueError(f"{label}: no open invoice left that fits; use more invoices for {self.n_lines} lines")

    def credit(self, label: str, invoice: _Invoice, amount: int, allocations, **fields) -> _Line:
        customer = self.customer_of(invoice)
        name, account = self.paying_account(customer)
        fields.setdefault("name", name)
        fields.setdefault("iban", account)
        fields.setdefault("e2e", end_to_end(self.rng))
        day = fields.pop("day", None) or self.pay_day(invoice)
        return _Line(label, amount, day, allocations=tuple(allocations), **fields)

    def customer_of(self, invoice: _Invoice) -> _Customer:
        return self.customer_index[invoice.cid]

    @property
    def customer_index(self) -> dict[str, _Customer]:
        if not hasattr(self, "_customer_index"):
            self._customer_index = {c.cid: c for c in self.customers}
        return self._customer_index

    def write_reference(self, invoice: _Invoice, style: str) -> tuple[str, str]:
        """(Strd reference, remittance text) of a payment quoting `invoice`'s reference in `style`."""
        rng = self.rng
        language = self.customer_of(invoice).language
        value = invoice.ref_value if invoice.ref_kind else ogm_for_invoice(invoice.number)
        if invoice.ref_kind == "rf":
            if style == "strd":
                return value, rng.choice(NEUTRAL_TEXT[language])
            written = rf_grouped(value) if style == "text" else value.lower()
            return "", (rng.choice(("", "Betaling ", "Kenmerk ")) + written).strip()
        printed = ogm_printed(value)
        slashed, spaced = f"{value[:3]}/{value[3:7]}/{value[7:]}", f"{value[:3]} {value[3:7]} {value[7:]}"
        if style == "strd":
            return rng.choice((value,) * 8 + (slashed, spaced)), rng.choice(NEUTRAL_TEXT[language])
        if style == "text":
            written = weighted(rng, ((50, printed), (15, f"***{slashed}***"), (15, value),
                                     (20, f"{rng.choice(PAID_IN_TEXT[language])} {printed}")))
            if written == value:
                written = f"{'Mededeling' if language == 'nl' else 'Communication'} {value}"
            return "", written
        if style == "spaced":
            word = "Mededeling" if language == "nl" else "Communication"
            marked = f"+++ {value[:3]} / {value[3:7]} / {value[7:]} +++"
            written = weighted(rng, ((35, slashed), (25, spaced), (20, marked), (20, f"{word}: {slashed}")))
            return "", written
        raise ValueError(style)

    def references(self, mix: dict[str, int]) -> list[_Line]:
        lines = []
        for label, test, styles in (
            ("reference_ogm_structured", lambda inv: inv.ref_kind == "ogm", ("strd",)),
            ("reference_ogm_text", lambda inv: inv.ref_kind == "ogm", ("text",)),
            ("reference_ogm_spaced", lambda inv: inv.ref_kind == "ogm", ("spaced",)),
            ("reference_ogm_letter", lambda inv: not inv.ref_kind, ("strd", "strd", "text")),
            ("reference_rf", lambda inv: inv.ref_kind == "rf", ("strd", "strd", "text", "text", "lower")),
        ):
            for _ in range(mix[label]):
                invoice = self.take(test, label)
                strd, text = self.write_reference(invoice, self.rng.choice(styles))
                lines.append(self.credit(label, invoice, invoice.open, [(invoice.number, invoice.open)],
                                         strd=strd, ustrd=text))
                self.paid(invoice, invoice.open)
        return lines

    def referenced(self, label: str, test) -> tuple[_Invoice, str, str]:
        invoice = self.take(lambda inv: inv.ref_kind in ("ogm", "rf") and test(inv), label)
        style = "strd" if self.rng.randrange(100) < 60 else "text"
        strd, text = self.write_reference(invoice, style)
        return invoice, strd, text

    def partials(self, n: int) -> list[_Line]:
        rng, lines = self.rng, []
        for _ in range(n):
            invoice, strd, text = self.referenced("partial_payment", lambda inv: inv.open >= 20_000)
            for _ in range(50):
                cents = invoice.open * rng.randint(20, 80) // 100 // 100 * 100
                if self.remainder_ok(invoice.open - cents) and self.no_other_fit(invoice, cents):
                    break
            language = self.customer_of(invoice).language
            text = f"{rng.choice(PARTIAL_TEXT[language])} {text}".strip()
            lines.append(self.credit("partial_payment", invoice, cents, [(invoice.number, cents)],
                                     strd=strd, ustrd=text))
            self.paid(invoice, cents)
        return lines

    def no_other_fit(self, invoice: _Invoice, cents: int) -> bool:
        """No other invoice of the customer that `cents` pays exactly or short within the policy (open as
        exported, or as the payments made so far leave it): the reference and the amount do not conflict."""
        return not any(0 <= value - cents <= self.tolerance(value)
                       for other in self.customer_of(invoice).invoices if other is not invoice
                       for value in {other.open, other.exported_open} if value > 0)

    def fees_with_reference(self, n: int) -> list[_Line]:
        rng, lines = self.rng, []
        for _ in range(n):
            invoice, strd, text = self.referenced("fees_deducted", lambda inv: inv.open >= 5_000)
            for _ in range(50):
                fee = rng.randint(50, 499)
                if self.remainder_ok(fee):
                    break
            cents = invoice.open - fee
            lines.append(self.credit("fees_deducted", invoice, cents, [(invoice.number, cents)],
                                     strd=strd, ustrd=text))
            self.paid(invoice, cents)
        return lines

    def overpayments(self, n: int) -> list[_Line]:
        rng, lines = self.rng, []
        for i in range(n):
            while True:
                if i % 3 == 0:  # paid the invoice's full amount although part of it was already paid
                    invoice, strd, text = self.referenced("overpayment", lambda inv: inv.open < inv.amount)
                    cents = invoice.amount
                else:           # a reminder fee added, or the amount rounded up
                    invoice, strd, text = self.referenced("overpayment", lambda inv: True)
                    if i % 3 == 1:
                        cents = invoice.open + rng.choice((1_500, 2_500, 4_000))
                    else:
                        cents = (invoice.open // 1_000 + 1) * 1_000
                if self.no_other_fit(invoice, cents):
                    break
            lines.append(self.credit("overpayment", invoice, cents, [(invoice.number, invoice.open)],
                                     strd=strd, ustrd=text))
            self.paid(invoice, invoice.open)
        return lines

    def number_text(self, numbers: list[str], language: str) -> str:
        rng = self.rng
        year, seq = numbers[0].split("-")
        if len(numbers) == 1:
            day, month, customer_no = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1000, 99999)
            forms = (f"Factuur {year}/{seq}", f"INV-{year}-{seq}", f"fact {year}{seq}", f"Facture n° {year}-{seq}",
                     f"Factuur nr. {year}-{seq}", f"Betaling factuur {year}-{seq}", f"Paiement facture {year} {seq}",
                     f"F{year}-{seq}", f"FACTUUR {year}.{seq}", f"facture {year}/{seq} du {day}/{month}",
                     f"Fact.nr.{year}-{seq}", f"factuur:{year}/{seq}", f"Klantnr {customer_no} factuur {year}-{seq}",
                     f"INV {year} {seq} dd {day:02d}-{month:02d}-{year}")
            return rng.choice(forms)
        a, b = numbers
        forms = (f"Facturen {a} en {b}", f"Factures {a.replace('-', '/')} + {b.replace('-', '/')}",
                 f"INV-{a}, INV-{b}", f"fact {a.replace('-', '')} {b.replace('-', '')}",
                 f"Factuur {a} / {b}" if language == "nl" else f"Facture n° {a} et n° {b}")
        return rng.choice(forms)

    def invoice_numbers(self, single: int, double: int) -> list[_Line]:
        lines = []
        for _ in range(single):
            invoice = self.take(lambda inv: True, "invoice_number")
            text = self.number_text([invoice.number], self.customer_of(invoice).language)
            lines.append(self.credit("invoice_number", invoice, invoice.open, [(invoice.number, invoice.open)],
                                     ustrd=text))
            self.paid(invoice, invoice.open)
        for _ in range(double):
            first = self.take(lambda inv: any(o.cid == inv.cid and o is not inv for o in self.free),
                              "invoice_numbers_two")
            second = self.take(lambda inv: inv.cid == first.cid, "invoice_numbers_two")
            pair = sorted((first, second), key=lambda inv: inv.number)
            text = self.number_text([inv.number for inv in pair], self.customer_of(first).language)
            total = first.open + second.open
            day = self.pay_day(first, second)
            lines.append(self.credit("invoice_numbers_two", first, total,
                                     [(inv.number, inv.open) for inv in pair], ustrd=text, day=day))
            for inv in pair:
                self.paid(inv, inv.open)
        return lines

    def wrong_check_digits(self, n: int) -> list[_Line]:
        rng, lines = self.rng, []
        for _ in range(n):
            invoice = self.take(lambda inv: inv.ref_kind == "ogm", "wrong_check_digits")
            value = invoice.ref_value
            while True:
                i = rng.randrange(11)
                if rng.randrange(2) and value[i] != value[i + 1]:
                    wrong = value[:i] + value[i + 1] + value[i] + value[i + 2:]
                else:
                    wrong = value[:i] + str((int(value[i]) + rng.randint(1, 9)) % 10) + value[i + 1:]
                if not ogm_valid(wrong) and wrong not in self.used_refs:
                    break
            if rng.randrange(2):
                strd, text = wrong, ""
            else:
                strd, text = "", f"{rng.choice(PAID_IN_TEXT[self.customer_of(invoice).language])} {ogm_printed(wrong)}"
            lines.append(_Line("wrong_check_digits", invoice.open, self.pay_day(invoice),
                               name=self.unknown_payer(third_party=True), iban=self.fresh_iban(),
                               strd=strd, ustrd=text, e2e=end_to_end(rng)))
        return lines

    def ambiguous(self, n: int) -> list[_Line]:
        rng, lines = self.rng, []
        for _ in range(n):
            first = self.take(lambda inv: self.open_owners[inv.open] == Counter({inv.cid: 1}), "ambiguous_amount")
            second = self.take(lambda inv: inv.cid != first.cid and inv.open == inv.amount
                               and self.open_owners[inv.open] == Counter({inv.cid: 1}), "ambiguous_amount")
            self.open_owners[second.open][second.cid] -= 1
            self.open_owners[second.open] = +self.open_owners[second.open]
            if not self.open_owners[second.open]:
                del self.open_owners[second.open]
            second.amount = second.open = second.exported_open = first.open
            self.open_owners[first.open][second.cid] += 1
            lines.append(_Line("ambiguous_amount", first.open, self.pay_day(first, second),
                               name=self.unknown_payer(third_party=False), iban=self.fresh_iban(), e2e="NOTPROVIDED"))
        return lines

    def reversals(self, pairs: int) -> list[_Line]:
        rng, lines = self.rng, []
        reasons = (("AM04", "Insufficient funds"), ("MD06", "Refund request by end customer"),
                   ("MS02", "Refusal by debtor"), ("AC04", "Closed account number"), ("MD01", "No valid mandate"))
        for _ in range(pairs):
            invoice = self.take(lambda inv: inv.ref_kind == "ogm" and inv.issue < PERIOD_END - timedelta(days=14)
                                and self.customer_of(inv).ibans, "reversal")
            customer = self.customer_of(invoice)
            account = rng.choice(customer.ibans)
            day = self.pay_day(invoice, latest=PERIOD_END - timedelta(days=7))
            back = day + timedelta(days=rng.randint(2, 6))
            while back.weekday() >= 5:
                back += timedelta(days=1)
            mandate = f"MNDT{rng.randint(10000, 99999)}"
            language = customer.language
            text = (f"Europese domiciliëring factuur {invoice.number} mandaat {mandate}" if language == "nl"
                    else f"Domiciliation européenne facture {invoice.number} mandat {mandate}")
            name = ascii_upper(customer.name)
            lines.append(_Line("reversal", invoice.open, day, name=name, iban=account, strd=invoice.ref_value,
                               ustrd=text, e2e=f"{invoice.number.replace('-', '')}D{rng.randint(100, 999)}X",
                               family=("PMNT", "IDDT", "ESDD")))
            code, why = rng.choice(reasons)
            back_text = rng.choice((f"TERUGBOEKING EUROPESE DOMICILIERING {code}", f"RETOUR DOMICILIATION {code}", ""))
            lines.append(_Line("reversal", -invoice.open, back, name=name, iban=account, ustrd=back_text,
                               reversal=True, return_reason=f"{code}|{why}", family=("PMNT", "IDDT", "UPDD")))
        return lines

    def payer_exact(self, n: int) -> list[_Line]:
        lines = []
        while len(lines) < n:
            customer = self.next_payer(self.iban_pool, "payer_iban_exact")
            for invoice in self.rng.sample(customer.invoices, len(customer.invoices)):
                if invoice.issue < PERIOD_END and self.fits(customer, invoice.open) == [(invoice.number,)]:
                    lines.append(self.payer_line("payer_iban_exact", customer, [invoice], invoice.open))
                    break
        return lines

    def payer_combined(self, n: int) -> list[_Line]:
        lines = []
        while len(lines) < n:
            customer = self.next_payer(self.iban_pool, "payer_iban_combined", lambda c: len(c.invoices) >= 2)
            items = [inv for inv in customer.invoices if inv.open > 0]
            for k in self.rng.sample(range(2, min(4, len(items)) + 1), min(4, len(items)) - 1):
                chosen = items[:k]
                total = sum(inv.open for inv in chosen)
                if max(inv.issue for inv in chosen) < PERIOD_END and \
                        self.fits(customer, total) == [tuple(inv.number for inv in chosen)]:
                    lines.append(self.payer_line("payer_iban_combined", customer, chosen, total))
                    break
        return lines

    def fees_by_payer(self, n: int) -> list[_Line]:
        rng, lines = self.rng, []
        while len(lines) < n:
            customer = self.next_payer(self.iban_pool, "fees_deducted")
            for invoice in rng.sample(customer.invoices, len(customer.invoices)):
                if invoice.open < 5_000 or invoice.issue >= PERIOD_END:
                    continue
                fee = rng.randint(50, min(499, self.tolerance(invoice.open)))
                cents = invoice.open - fee
                if self.remainder_ok(fee) and self.fits(customer, cents) == [(invoice.number,)]:
                    lines.append(self.payer_line("fees_deducted", customer, [invoice], cents, allocation=cents))
                    break
        return lines

    def next_payer(self, pool: list[_Customer], label: str, test=lambda c: True) -> _Customer:
        for i, customer in enumerate(pool):
            if customer.cid not in self.tried and test(customer):
                self.tried.add(customer.cid)
                return pool.pop(i)
        raise ValueError(f"{label}: no customer left for a payer case; use more invoices for {self.n_lines} lines")

    def payer_line(self, label: str, customer: _Customer, invoices: list[_Invoice], cents: int,
                   allocation: int | None = None) -> _Line:
        rng = self.rng
        if allocation is None:
            allocations = [(inv.number, inv.open) for inv in invoices]
        else:
            allocations = [(invoices[0].number, allocation)]
        texts = COMBINED_TEXT if len(invoices) > 1 else NEUTRAL_TEXT
        line = _Line(label, cents, self.pay_day(*invoices), name=self.payer_name(customer),
                     iban=rng.choice(customer.ibans), ustrd=rng.choice(texts[customer.language]),
                     e2e=end_to_end(rng), allocations=tuple(allocations))
        for inv, (_, applied) in zip(invoices, allocations, strict=True):
            self.paid(inv, applied)
        return line

    def name_only(self, n: int) -> list[_Line]:
        rng, lines = self.rng, []
        while len(lines) < n:
            customer = self.next_payer(self.name_pool, "name_only")
            written = ascii_upper(customer.core)
            if rng.randrange(100) < 35:
                written = typo(rng, written)
            if not self.names_one(written, customer):
                written = ascii_upper(customer.core)
                if not self.names_one(written, customer):
                    continue
            for invoice in rng.sample(customer.invoices, len(customer.invoices)):
                if invoice.issue >= PERIOD_END or self.open_owners[invoice.open] != Counter({customer.cid: 1}):
                    continue
                if self.fits(customer, invoice.open) != [(invoice.number,)]:
                    continue
                account = self.fresh_iban(customer.country) if rng.randrange(100) < 75 else ""
                lines.append(_Line("name_only", invoice.open, self.pay_day(invoice), name=written, iban=account,
                                   ustrd=rng.choice(NEUTRAL_TEXT[customer.language]), e2e=end_to_end(rng),
                                   allocations=((invoice.number, invoice.open),)))
                self.paid(invoice, invoice.open)
                break
        return lines

    # --- a reference or invoice number and the payer's amount: agreeing or conflicting ---

    def mistype(self, invoice: _Invoice, *, alone: bool) -> str | None:
        """`invoice`'s reference (compact) with one slip whose check then fails: wrong check digits after
        the right digits, one digit changed, or two neighbours swapped. `alone`: no other invoice's
        reference (printed, or the OGM arctl prints for an invoice without one) is one slip away, and an RF
        body does not read as another invoice's number."""
        rng, value = self.rng, invoice.ref_value
        numbers = {inv.replace("-", "") for inv in self.by_number} - {invoice.number.replace("-", "")}
        for _ in range(100):
            head, body = (value[:4], value[4:]) if invoice.ref_kind == "rf" else ("", value[:10])
            kind = rng.randrange(3)
            if kind == 0:   # the right digits, wrong check digits
                check = value[2:4] if head else value[10:]
                other = f"{(int(check) + rng.randint(1, 95)) % 100:02d}"
                wrong = f"RF{other}{body}" if head else body + other
            else:
                slips = sorted(one_slip(value[4:] if head else value))
                wrong = head + rng.choice([v for v in slips if (kind == 1) == (sum(
                    a != b for a, b in zip(v, value[4:] if head else value, strict=True)) == 1)] or slips)
            valid = rf_valid(wrong) if head else ogm_valid(wrong)
            if valid or wrong in self.used_refs or value not in meant(wrong):
                continue
            if alone and (meant(wrong) & self.used_refs != {value} or (head and wrong[4:] in numbers)):
                continue
            return wrong
        return None

    def quote(self, invoice: _Invoice, wrong: str) -> tuple[str, str]:
        """(Strd, text) of a payment quoting the reference `wrong` (compact) in the structured field or the text."""
        language = self.customer_of(invoice).language
        if self.rng.randrange(2):
            return wrong, self.rng.choice(NEUTRAL_TEXT[language])
        printed = rf_grouped(wrong) if wrong.startswith("RF") else ogm_printed(wrong)
        return "", f"{self.rng.choice(PAID_IN_TEXT[language])} {printed}"

    def sole_fit(self, customer: _Customer, cents: int, invoice: _Invoice) -> bool:
        """`cents` pays exactly `invoice` and nothing else of the customer (no other invoice or combination)."""
        return (invoice.issue < PERIOD_END and invoice.open == cents
                and self.fits(customer, cents) == [(invoice.number,)])

    def mistyped_agrees(self, n: int) -> list[_Line]:
        lines = []
        while len(lines) < n:
            customer = self.next_payer(self.iban_pool, "mistyped_reference_agrees",
                                       lambda c: any(inv.ref_kind for inv in c.invoices))
            for invoice in self.rng.sample(customer.invoices, len(customer.invoices)):
                wrong = self.mistype(invoice, alone=True) if invoice.ref_kind else None
                if wrong is None or not self.sole_fit(customer, invoice.open, invoice):
                    continue
                strd, text = self.quote(invoice, wrong)
                line = self.payer_line("mistyped_reference_agrees", customer, [invoice], invoice.open)
                line.strd, line.ustrd = strd, text
                lines.append(line)
                break
        return lines

    def conflict_pair(self, customer: _Customer, need_reference: bool) -> tuple[_Invoice, _Invoice] | None:
        """(A, B): B's open amount the payer pays exactly (nothing else fits it), A another open invoice that
        amount does not pay (not exactly, not short within the policy)."""
        items = [inv for inv in customer.invoices if inv.open > 0]
        for named in self.rng.sample(items, len(items)):
            if need_reference and not named.ref_kind:
                continue
            for paid in items:
                if paid is not named and self.sole_fit(customer, paid.open, paid) \
                        and not 0 <= named.open - paid.open <= self.tolerance(named.open):
                    return named, paid
        return None

    def conflicting_references(self, n: int) -> list[_Line]:
        lines = []
        while len(lines) < n:
            customer = self.next_payer(self.iban_pool, "conflicting_reference", lambda c: len(c.invoices) >= 2)
            pair = self.conflict_pair(customer, need_reference=True)
            wrong = self.mistype(pair[0], alone=False) if pair else None
            if pair is None or wrong is None:
                continue
            named, paid = pair
            strd, text = self.quote(named, wrong)
            lines.append(_Line("conflicting_reference", paid.open, self.pay_day(paid), name=self.payer_name(customer),
                               iban=self.rng.choice(customer.ibans), strd=strd, ustrd=text, e2e=end_to_end(self.rng)))
        return lines

    def conflicting_pointers(self, n: int) -> list[_Line]:
        lines = []
        while len(lines) < n:
            by_reference = len(lines) % 2 == 0
            customer = self.next_payer(self.iban_pool, "conflicting_pointer", lambda c: len(c.invoices) >= 2)
            pair = self.conflict_pair(customer, need_reference=by_reference)
            if pair is None:
                continue
            named, paid = pair
            if by_reference:
                strd, text = self.write_reference(named, self.rng.choice(("strd", "text")))
            else:
                strd, text = "", self.number_text([named.number], customer.language)
            lines.append(_Line("conflicting_pointer", paid.open, self.pay_day(paid), name=self.payer_name(customer),
                               iban=self.rng.choice(customer.ibans), strd=strd, ustrd=text, e2e=end_to_end(self.rng)))
        return lines

    def unrelated(self, n: int) -> list[_Line]:
        rng, lines = self.rng, []
        self.tax_office = self.fresh_iban("BE")
        for i in range(n):
            day = rng.choice(self.days)
            kind = i % 3
            if kind == 0:
                while True:
                    value = ogm_digits(digits(rng, 10))
                    if value not in self.used_refs:
                        break
                name = rng.choice(("FOD FINANCIEN", "FOD FINANCIEN - BTW", "SPF FINANCES"))
                text = rng.choice(("TERUGBETALING BTW", "TERUGGAVE VOORAFBETALING", "REMBOURSEMENT TVA",
                                   "TERUGBETALING VENNOOTSCHAPSBELASTING AJ 2026"))
                lines.append(_Line("unrelated_credit", rng.randint(20_000, 2_500_000), day, name=name,
                                   iban=self.tax_office, strd=value, ustrd=text))
            elif kind == 1:
                quarter = rng.choice(("3E KWARTAAL", "Q3", "SEPTEMBER", "OKTOBER"))
                text = rng.choice((f"CREDITRENTE {quarter} 2026", f"RENTE {quarter}", "INTERETS CREDITEURS 2026 T3"))
                lines.append(_Line("unrelated_credit", rng.randint(150, 9_000), day, name="", iban="", ustrd=text,
                                   family=("ACMT", "MDOP", "INTR")))
            else:
                name = rng.choice(("AXA BELGIUM", "ETHIAS", "AG INSURANCE", "BALOISE BELGIUM", "P&V VERZEKERINGEN"))
                text = rng.choice((f"SCHADEVERGOEDING POLIS {digits(rng, 9)} DOSSIER {digits(rng, 7)}",
                                   f"INDEMNITE SINISTRE REF {digits(rng, 8)}",
                                   f"UITKERING SCHADEGEVAL {digits(rng, 10)}"))
                lines.append(_Line("unrelated_credit", rng.randint(25_000, 1_500_000), day, name=ascii_upper(name),
                                   iban=self.fresh_iban("BE"), ustrd=text, e2e=end_to_end(rng)))
        return lines

    def debits(self, n: int) -> list[_Line]:
        rng, lines = self.rng, []
        suppliers = ("PROXIMUS NV", "ENGIE ELECTRABEL", "TELENET BV", "FLUVIUS", "TOTALENERGIES FUEL",
                     "BRICO BELGIUM", "KANTOORMEUBELEN DE WIT", "VAN MARCKE", "LYRECO BENELUX", "DHL PARCEL")
        months = ("OKTOBER", "NOVEMBER")
        for i in range(n):
            day = rng.choice(self.days)
            kind = i % 5
            if kind in (0, 1):
                value = ogm_digits(digits(rng, 10))
                text = rng.choice(("", f"Factuur {rng.randint(100000, 999999)}",
                                   f"Klantnr {rng.randint(10000, 99999)}"))
                line = _Line("debit", -rng.randint(2_000, 900_000), day, name=rng.choice(suppliers),
                             iban=self.fresh_iban(), strd=value if rng.randrange(2) else "", ustrd=text,
                             family=("PMNT", "ICDT", "ESCT"))
            elif kind == 2:
                person = f"{rng.choice(FIRST_INITIALS)}. {rng.choice(BE_NL_SURNAMES + BE_FR_SURNAMES)}"
                salary = rng.choice((f"LOON {rng.choice(months)} 2026",
                                     f"SALAIRE {rng.choice(('OCTOBRE', 'NOVEMBRE'))} 2026"))
                line = _Line("debit", -rng.randint(180_000, 420_000), day, name=ascii_upper(person),
                             iban=self.fresh_iban("BE"), ustrd=salary, family=("PMNT", "ICDT", "SALA"))
            elif kind == 3:
                line = _Line("debit", -rng.randint(100_000, 4_000_000), day,
                             name=rng.choice(("FOD FINANCIEN - BTW", "RSZ - ONSS", "FOD FINANCIEN")),
                             iban=self.fresh_iban("BE"), strd=ogm_digits(digits(rng, 10)),
                             ustrd=rng.choice(("BTW-AANGIFTE 10/2026", "KWARTAALAANGIFTE RSZ", "VOORAFBETALING Q4")),
                             family=("PMNT", "ICDT", "ESCT"))
            else:
                line = _Line("debit", -rng.randint(250, 4_500), day, name="", iban="",
                             ustrd=rng.choice(("KOSTEN BEHEER REKENING", "FRAIS DE GESTION", "KOSTEN BETAALKAART")),
                             family=("ACMT", "MDOP", "CHRG"))
            lines.append(line)
        return lines


# ---------------------------------------------------------------------------------------------
# camt.053.001.02
# ---------------------------------------------------------------------------------------------


def _cents(value: int) -> str:
    return f"{abs(value) // 100}.{abs(value) % 100:02d}"


def _shown(line: _Line) -> str:
    parts = [f"{line.day.isoformat()} {'+' if line.amount > 0 else '-'}{_cents(line.amount)} EUR",
             f"from {line.name!r}" if line.name else "no name", line.iban or "no IBAN"]
    if line.strd:
        parts.append(f"Strd {line.strd!r}")
    if line.ustrd:
        parts.append(f"text {line.ustrd!r}")
    if line.reversal:
        parts.append(f"RvslInd, return {line.return_reason.split('|')[0]}")
    return " | ".join(parts)


def _entry_xml(line: _Line, account: str) -> str:
    indicator = "CRDT" if line.amount > 0 else "DBIT"
    amount = _cents(line.amount)
    domain, family, sub = line.family
    parties = ""
    if line.name or line.iban:
        # A credit's counterparty is the debtor; a debit's the creditor, except for a return, where banks
        # keep the original debtor (the customer whose collection came back).
        role = "Dbtr" if line.amount > 0 or line.reversal else "Cdtr"
        name = f"<{role}><Nm>{escape(line.name)}</Nm></{role}>" if line.name else ""
        acct = f"<{role}Acct><Id><IBAN>{line.iban}</IBAN></Id></{role}Acct>" if line.iban else ""
        parties = f"<RltdPties>{name}{acct}</RltdPties>"
    remittance = ""
    if line.ustrd or line.strd:
        remittance = "<RmtInf>"
        if line.ustrd:
            remittance += f"<Ustrd>{escape(line.ustrd)}</Ustrd>"
        if line.strd:
            issuer = "ISO" if line.strd.upper().startswith("RF") else "BBA"
            remittance += (f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>{issuer}</Issr></Tp>"
                           f"<Ref>{escape(line.strd)}</Ref></CdtrRefInf></Strd>")
        remittance += "</RmtInf>"
    returned = ""
    if line.return_reason:
        code, why = line.return_reason.split("|")
        returned = f"<RtrInf><Rsn><Cd>{code}</Cd></Rsn><AddtlInf>{escape(why)}</AddtlInf></RtrInf>"
    reversal = "<RvslInd>true</RvslInd>" if line.reversal else ""
    return (
        f"<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>{reversal}<Sts>BOOK</Sts>"
        f"<BookgDt><Dt>{line.day.isoformat()}</Dt></BookgDt><ValDt><Dt>{line.day.isoformat()}</Dt></ValDt>"
        f"<AcctSvcrRef>{line.ref}</AcctSvcrRef>"
        f"<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>"
        f"<NtryDtls><TxDtls><Refs><AcctSvcrRef>{line.ref}</AcctSvcrRef>"
        f"<EndToEndId>{escape(line.e2e)}</EndToEndId></Refs>"
        f"<AmtDtls><TxAmt><Amt Ccy=\"EUR\">{amount}</Amt></TxAmt></AmtDtls>"
        f"{parties}{remittance}{returned}</TxDtls></NtryDtls></Ntry>\n"
    )


def _balance_xml(kind: str, cents: int, day: date) -> str:
    return (f"<Bal><Tp><CdOrPrtry><Cd>{kind}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{_cents(cents)}</Amt>"
            f"<CdtDbtInd>{'CRDT' if cents >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>\n")


def _statement_xml(number: int, lines: list[_Line], account: str, opening: int) -> str:
    closing = opening + sum(line.amount for line in lines)
    first, last = lines[0].day, lines[-1].day
    stamp = f"{last.isoformat()}T18:00:00"
    credits = [line for line in lines if line.amount > 0]
    return (
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n<BkToCstmrStmt>\n"
        f"<GrpHdr><MsgId>LBL-STMT-{number:03d}</MsgId><CreDtTm>{stamp}</CreDtTm></GrpHdr>\n"
        f"<Stmt><Id>LBL-{last.year}-{number:03d}</Id><ElctrncSeqNb>{number}</ElctrncSeqNb><CreDtTm>{stamp}</CreDtTm>"
        f"<FrToDt><FrDtTm>{first.isoformat()}T00:00:00</FrDtTm><ToDtTm>{last.isoformat()}T23:59:59</ToDtTm></FrToDt>\n"
        f"<Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>{escape(ACCOUNT_OWNER)}</Nm></Ownr></Acct>\n"
        + _balance_xml("OPBD", opening, first - timedelta(days=1))
        + _balance_xml("CLBD", closing, last)
        + f"<TxsSummry><TtlNtries><NbOfNtries>{len(lines)}</NbOfNtries></TtlNtries>"
          f"<TtlCdtNtries><NbOfNtries>{len(credits)}</NbOfNtries><Sum>{_cents(sum(c.amount for c in credits))}</Sum>"
          "</TtlCdtNtries></TxsSummry>\n"
        + "".join(_entry_xml(line, account) for line in lines)
        + "</Stmt>\n</BkToCstmrStmt>\n</Document>\n"
    )


# ---------------------------------------------------------------------------------------------
# make_case
# ---------------------------------------------------------------------------------------------


def make_case(seed: int, invoices: int = 2000, lines: int = 700, out_dir: Path | None = None) -> Case:
    """A labelled set of `invoices` open invoices and `lines` bank transactions (see the module docstring).

    With `out_dir`, the statements are written there as `statement-1.xml` and `statement-2.xml`
    (camt.053.001.02; the second repeats the first's last OVERLAP_LINES transactions).
    """
    if lines < 40:
        raise ValueError("a labelled set needs at least 40 bank lines to hold every case")
    generator = _Generator(seed, invoices, lines)
    generator.build_ledger()
    made = generator.build_lines()
    invoice_frame, customer_frame = _frames(generator)  # the ledger as exported, before any payment
    rng = generator.rng
    keyed = [(line.day, rng.random(), line) for line in made]
    keyed.sort(key=lambda item: (item[0], item[1]))
    ordered = [line for _, _, line in keyed]
    for index, line in enumerate(ordered, start=1):
        line.ref = f"LBL-{index:06d}"
    account = generator.account
    truth = {f"{account}:{line.ref}": Expected(line.label, line.allocations, _shown(line)) for line in ordered}
    split = len(ordered) // 2
    overlap = min(OVERLAP_LINES, split)
    first, second = ordered[:split], ordered[split - overlap:]
    repeated = tuple(f"{account}:{line.ref}" for line in ordered[split - overlap:split])
    files: list[Path] = []
    if out_dir is not None:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        opening = 2_500_000
        before_second = opening + sum(line.amount for line in ordered[:split - overlap])
        for number, (chunk, start) in enumerate(((first, opening), (second, before_second)), start=1):
            path = out_dir / f"statement-{number}.xml"
            path.write_text(_statement_xml(number, chunk, account, start), encoding="utf-8")
            files.append(path)
    return Case(seed, account, invoice_frame, customer_frame, _bank_frame(ordered, account), tuple(files),
                truth, repeated, dict(generator.mix))


def _frames(generator: _Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = sorted((inv for c in generator.customers for inv in c.invoices), key=lambda inv: inv.number)
    names = {c.cid: c.name for c in generator.customers}
    n = len(rows)
    columns: dict[str, object] = {
        "invoice_id": [inv.number for inv in rows],
        "customer_id": [inv.cid for inv in rows],
        "customer_name": [names[inv.cid] for inv in rows],
        "issue_date": pd.to_datetime([inv.issue for inv in rows]).astype("datetime64[s]"),
        "due_date": pd.to_datetime([inv.due for inv in rows]).astype("datetime64[s]"),
        "currency": [CURRENCY] * n,
        "amount": pd.array([inv.amount for inv in rows], dtype="int64"),
        "open_amount": pd.array([inv.exported_open for inv in rows], dtype="int64"),
        "reference": [inv.reference for inv in rows],
    }
    invoices = pd.DataFrame(columns)
    for column, dtype in INVOICE_COLUMNS.items():
        if column not in invoices:
            invoices[column] = pd.Series([pd.NaT] * n, dtype=dtype) if dtype.startswith("datetime") else ""
    invoices["source"] = [f"labelled:{i + 2}" for i in range(n)]
    invoices = invoices[list(INVOICE_COLUMNS)]
    for column, dtype in INVOICE_COLUMNS.items():
        if dtype == "str":
            invoices[column] = invoices[column].astype(str)
    customers = generator.customers
    frame = pd.DataFrame({
        "customer_id": [c.cid for c in customers],
        "name": [c.name for c in customers],
        "country": [c.country for c in customers],
        "language": [c.language for c in customers],
        "iban": [" ".join(c.ibans) for c in customers],
    })
    m = len(customers)
    for column, dtype in CUSTOMER_COLUMNS.items():
        if column in frame:
            continue
        if dtype == "Int64":
            frame[column] = pd.array([pd.NA] * m, dtype="Int64")
        elif dtype == "boolean":
            frame[column] = pd.array([False] * m, dtype="boolean")
        else:
            frame[column] = ""
    frame["source"] = [f"labelled-customers:{i + 2}" for i in range(m)]
    frame = frame[list(CUSTOMER_COLUMNS)]
    for column, dtype in CUSTOMER_COLUMNS.items():
        if dtype == "str":
            frame[column] = frame[column].astype(str)
    return invoices, frame


def _bank_frame(lines: list[_Line], account: str) -> pd.DataFrame:
    def text(line: _Line) -> str:
        eref = f"EREF {line.e2e}" if line.e2e and line.e2e != "NOTPROVIDED" else ""
        return " ".join(part for part in (line.ustrd, eref) if part)

    frame = pd.DataFrame({
        "txn_id": [f"{account}:{line.ref}" for line in lines],
        "account_iban": [account] * len(lines),
        "booking_date": pd.to_datetime([line.day for line in lines]).astype("datetime64[s]"),
        "value_date": pd.to_datetime([line.day for line in lines]).astype("datetime64[s]"),
        "amount": pd.array([line.amount for line in lines], dtype="int64"),
        "currency": [CURRENCY] * len(lines),
        "counterparty_name": [line.name for line in lines],
        "counterparty_iban": [line.iban for line in lines],
        "structured_ref": [line.strd for line in lines],
        "remittance": [text(line) for line in lines],
        "reversal": pd.array([line.reversal for line in lines], dtype=bool),
        "bank_ref": [line.ref for line in lines],
        "source": [f"labelled:{line.ref}" for line in lines],
    })
    for column, dtype in BANK_COLUMNS.items():
        if dtype == "str":
            frame[column] = frame[column].astype(str)
    return frame[list(BANK_COLUMNS)]


# ---------------------------------------------------------------------------------------------
# score
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mistake:
    """One line where the engine's automatic allocations differ from the careful bookkeeper's."""

    txn_id: str
    label: str
    expected: tuple[tuple[str, int], ...]
    auto: tuple[tuple[str, int], ...]
    suggested: tuple[tuple[str, int], ...]
    reason: str                 # the engine's reason when it left the line unmatched or ignored it
    shown: str


@dataclass(frozen=True, slots=True)
class LabelQuality:
    lines: int
    expected: int               # allocations the careful bookkeeper makes automatically
    auto: int                   # automatic allocations the engine made
    correct: int
    wrong: int                  # automatic allocations that are not the bookkeeper's
    missed: int                 # bookkeeper's allocations the engine did not make automatically
    suggested_lines: int        # lines the engine left as a suggestion for a person
    rules: tuple[tuple[str, int], ...] = ()   # the engine's rules on its automatic allocations, with counts


@dataclass(frozen=True, slots=True)
class Quality:
    precision: float            # correct automatic allocations / all automatic allocations
    recall: float               # correct automatic allocations / the careful bookkeeper's automatic allocations
    auto_on_ambiguous_or_unrelated: int   # automatic allocations on NO_AUTO_LABELS lines (target 0)
    auto: int
    correct: int
    expected: int
    wrong: int
    missed: int
    per_label: dict[str, LabelQuality]
    mistakes: dict[str, list[Mistake]]
    overlap: tuple[int, int]    # (automatic allocations on the repeated lines, expected on them)
    suggested_on: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # label -> each suggested
                                                                                   # line's candidate invoices


def score(reconciliation, truth: Case | Mapping[str, Expected]) -> Quality:
    """Compare an engine `Reconciliation` with the truth: (line, invoice, amount) must all be right."""
    expected_by_txn = truth.truth if isinstance(truth, Case) else truth
    repeated = set(truth.repeated) if isinstance(truth, Case) else set()
    auto: dict[str, list[tuple[str, int]]] = defaultdict(list)
    suggested: dict[str, list[tuple[str, int]]] = defaultdict(list)
    rules: dict[str, Counter] = defaultdict(Counter)
    for match in reconciliation.matches:
        (auto if match.status == "auto" else suggested)[match.bank_txn].append((match.invoice_id, int(match.amount)))
        if match.status == "auto":
            rules[match.bank_txn][match.rule] += 1
    reasons: dict[str, str] = {}
    for item in (*reconciliation.unmatched, *reconciliation.ignored):
        reasons.setdefault(item.bank_txn, item.reason)
    for item in reconciliation.excess:
        reasons.setdefault(item.bank_txn, f"excess {_cents(item.amount)}: {item.reason}")

    tallies: dict[str, Counter] = defaultdict(Counter)
    used_rules: dict[str, Counter] = defaultdict(Counter)
    mistakes: dict[str, list[Mistake]] = defaultdict(list)
    suggested_on: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    no_auto = 0
    overlap_auto = overlap_expected = 0
    for txn, expected in {**expected_by_txn, **{t: None for t in auto if t not in expected_by_txn}}.items():
        label = expected.label if expected else "(not in the truth)"
        want = Counter(expected.allocations) if expected else Counter()
        got = Counter(auto.get(txn, []))
        correct, wrong, missed = sum((want & got).values()), sum((got - want).values()), sum((want - got).values())
        tally = tallies[label]
        used_rules[label].update(rules.get(txn, Counter()))
        tally.update(lines=1, expected=sum(want.values()), auto=sum(got.values()), correct=correct, wrong=wrong,
                     missed=missed, suggested_lines=int(txn in suggested and txn not in auto))
        if label in NO_AUTO_LABELS or label == "(not in the truth)":
            no_auto += sum(got.values())
        if txn in repeated:
            overlap_auto += sum(got.values())
            overlap_expected += sum(want.values())
        if txn in suggested and txn not in auto:
            suggested_on[label].append(tuple(sorted({invoice for invoice, _ in suggested[txn]})))
        if wrong or missed:
            mistakes[label].append(Mistake(txn, label, tuple(expected.allocations) if expected else (),
                                           tuple(auto.get(txn, [])), tuple(suggested.get(txn, [])),
                                           reasons.get(txn, ""), expected.shown if expected else ""))
    per_label = {label: LabelQuality(**{k: t[k] for k in LabelQuality.__slots__ if k != "rules"},
                                     rules=tuple(sorted(used_rules[label].items(), key=lambda kv: (-kv[1], kv[0]))))
                 for label, t in tallies.items()}
    total = Counter()
    for t in tallies.values():
        total.update(t)
    return Quality(
        precision=total["correct"] / total["auto"] if total["auto"] else 1.0,
        recall=total["correct"] / total["expected"] if total["expected"] else 1.0,
        auto_on_ambiguous_or_unrelated=no_auto,
        auto=total["auto"], correct=total["correct"], expected=total["expected"], wrong=total["wrong"],
        missed=total["missed"], per_label=per_label, mistakes=dict(mistakes), overlap=(overlap_auto, overlap_expected),
        suggested_on=dict(suggested_on),
    )


def format_mix(case: Case) -> str:
    """The case mix as a table: label, lines, what the careful bookkeeper does."""
    out = [f"labelled set: seed {case.seed}, {len(case.invoices)} invoices, {len(case.customers)} customers, "
           f"{len(case.truth)} bank transactions in {max(len(case.files), 1)} statement(s), "
           f"{len(case.repeated)} repeated in both (overlap)",
           f"{'case':<26} {'lines':>5}  truth"]
    for label in CASE_MIX:
        count = case.mix.get(label, 0)
        allocations = sum(len(e.allocations) for e in case.truth.values() if e.label == label)
        what = {"auto": f"{allocations} automatic allocations", "person": "left for a person",
                "nobody": "not a customer payment"}[CASE_TRUTH[label]]
        out.append(f"{label:<26} {count:>5}  {what}")
    out.append(f"{'total':<26} {sum(case.mix.values()):>5}  {case.expected_allocations} automatic allocations")
    return "\n".join(out)


def _allocs(items) -> str:
    return ", ".join(f"{invoice} {_cents(cents)}" for invoice, cents in items) or "none"


def format_quality(quality: Quality, examples: int = 3) -> str:
    """The figures per case label and, for each label with mistakes, a few example lines."""
    out = [f"precision {quality.precision:.4f} ({quality.correct}/{quality.auto} automatic allocations correct)",
           f"recall    {quality.recall:.4f} ({quality.correct}/{quality.expected} of the careful bookkeeper's)",
           f"automatic allocations on ambiguous/unrelated/debit/reversal/wrong-check-digit lines: "
           f"{quality.auto_on_ambiguous_or_unrelated}",
           f"overlap: {quality.overlap[0]} automatic allocations on the repeated lines, {quality.overlap[1]} expected",
           f"{'case':<26} {'lines':>5} {'expect':>6} {'auto':>5} {'right':>5} {'wrong':>5} {'missed':>6} {'sugg.':>5}"
           "  engine rules of the automatic allocations"]
    labels = [label for label in CASE_MIX if label in quality.per_label]
    labels += [label for label in quality.per_label if label not in CASE_MIX]
    for label in labels:
        q = quality.per_label[label]
        out.append(f"{label:<26} {q.lines:>5} {q.expected:>6} {q.auto:>5} {q.correct:>5} {q.wrong:>5} "
                   f"{q.missed:>6} {q.suggested_lines:>5}  " + ", ".join(f"{rule} {n}" for rule, n in q.rules))
    for label in labels:
        found = quality.mistakes.get(label, [])
        if not found:
            continue
        out.append(f"\n{label}: {len(found)} line(s) wrong or missed, for example")
        for mistake in found[:examples]:
            out.append(f"  {mistake.txn_id}: {mistake.shown}")
            out.append(f"    expected {_allocs(mistake.expected)}; engine auto {_allocs(mistake.auto)}; "
                       f"suggested {_allocs(mistake.suggested)}"
                       + (f"; reason: {mistake.reason}" if mistake.reason else ""))
    return "\n".join(out)
