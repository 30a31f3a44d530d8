"""60 days of daily dunning runs (2 November - 31 December 2026) for a Belgian company with Belgian and Dutch
consumers and businesses: credit notes, partial payments by bank, posted and e-mailed letters, a business
`--plan strict` on every run, and a back-dated run in the middle. The law's limits are computed here by hand
from REFERENCE.md (§4 Book XIX, §5.2 WIK, §5.3 the 14-day letter), not with arctl's own cost functions:

- no consumer gets a business cost (the EUR 40 compensation, interest at the commercial rate);
- Belgian consumer damages stay within the Book XIX scale, Dutch consumer collection costs within the WIK
  scale, both computed on the balance net of open credit notes, rounded down;
- no cost step before its lawful day, timed from the day and channel of the letter that started the period;
- no customer gets two documents on one day; the outbox and the state agree."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from collections import Counter
from fractions import Fraction

import holidays
import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME
from outbox_check import outbox_agrees_with_state
from state_check import use_state

pytestmark = pytest.mark.state

START, DAYS = dt.date(2026, 11, 2), 60  # Monday 2 November to Thursday 31 December 2026
BACK_DATED = dt.date(2026, 11, 27)  # tried (without --dry-run) after the run of Monday 30 November
ACCOUNT = "BE05068123456775"
BE_HOLIDAYS = holidays.country_holidays("BE", years=[2026, 2027])
NL_HOLIDAYS = holidays.country_holidays("NL", years=[2026, 2027])


def ogm(base: int) -> str:
    """The 12 digits of a Belgian structured reference: 10 digits and their mod-97 check (97 for 0)."""
    return f"{base:010d}{base % 97 or 97:02d}"


def structured(base: int) -> str:
    digits = ogm(base)
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


# The customers. Consumers without an e-mail address get their letters by post (fallback_channel: letter).
CUSTOMERS = {
    # id: (name, e-mail, street, postal code, city, country, consumer)
    "PBE-MAIL": ("An Peeters", "an.peeters@example.be", "Kerkstraat 3", "3000", "Leuven", "BE", "yes"),
    "PBE-POST": ("Jan Claes", "", "Molenweg 8", "2800", "Mechelen", "BE", "yes"),
    "PNL-MAIL": ("Eva de Vries", "eva.devries@example.nl", "Dorpsstraat 12", "3511 AB", "Utrecht", "NL", "yes"),
    "PNL-POST": ("Henk Jansen", "", "Kanaalweg 4", "9712 CP", "Groningen", "NL", "yes"),
    "BBE": ("Bouwbedrijf Maes NV", "boekhouding@maes.example.be", "Industrieweg 1", "9000", "Gent", "BE", "no"),
    "BNL": ("Van Dijk Installaties BV", "crediteuren@vandijk.example.nl", "Havenstraat 9", "3011 AA", "Rotterdam",
            "NL", "no"),
}

# The invoices and credit notes: id -> (customer, due date, amount in cents, structured-reference base or 0).
DOCUMENTS = {
    # the issue's case: an invoice of 3,776.00 and an open credit note of 605.00, with a second invoice due
    # three days later; 1,000.00 of the big invoice is paid by bank on Wednesday 25 November
    "2026-0311": ("PBE-MAIL", dt.date(2026, 10, 20), 377600, 311),
    "2026-0318": ("PBE-MAIL", dt.date(2026, 10, 23), 12000, 318),
    "CN-2026-0007": ("PBE-MAIL", dt.date(2026, 10, 26), -60500, 0),
    # a posted Belgian consumer with two invoices due four days apart
    "2026-0290": ("PBE-POST", dt.date(2026, 10, 15), 45000, 290),
    "2026-0297": ("PBE-POST", dt.date(2026, 10, 19), 8950, 297),
    # a Dutch consumer by e-mail with a credit note
    "2026-0280": ("PNL-MAIL", dt.date(2026, 10, 14), 125000, 280),
    "2026-0286": ("PNL-MAIL", dt.date(2026, 10, 21), 30000, 286),
    "CN-2026-0009": ("PNL-MAIL", dt.date(2026, 10, 28), -10000, 0),
    # a Dutch consumer by post, partly paid (800.00) by bank on Friday 20 November
    "2026-0293": ("PNL-POST", dt.date(2026, 10, 16), 280000, 293),
    "2026-0299": ("PNL-POST", dt.date(2026, 10, 18), 15000, 299),
    # businesses, on the business plan given with --plan strict
    "2026-0330": ("BBE", dt.date(2026, 10, 30), 70000, 330),
    "2026-0342": ("BBE", dt.date(2026, 11, 10), 500000, 342),
    "2026-0335": ("BNL", dt.date(2026, 11, 5), 150000, 335),
}
PAYMENTS = {  # booking date -> [(bank reference, invoice, amount in cents)]
    dt.date(2026, 11, 20): [("R-PNL-1", "2026-0293", 80000)],
    dt.date(2026, 11, 25): [("R-PBE-1", "2026-0311", 100000)],
}


def amount(cents: int) -> str:
    return f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def make_workspace(root):
    (root / "exports").mkdir(parents=True)
    rows = ["Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference"]
    for invoice, (customer, due, cents, base) in DOCUMENTS.items():
        issued = due - dt.timedelta(days=14 if cents < 0 else 30)
        rows.append(f"{invoice},{customer},{CUSTOMERS[customer][0]},{issued},{due},EUR,{amount(cents)},"
                    f"{amount(cents)},{structured(base) if base else ''}")
    (root / "exports" / "open_invoices.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    people = ["Customer ID,Name,Email,Street,Postal Code,City,Country,Consumer"]
    people += [",".join((customer, *fields)) for customer, fields in CUSTOMERS.items()]
    (root / "exports" / "customers.csv").write_text("\n".join(people) + "\n", encoding="utf-8")
    (root / CONFIG_NAME).write_text(textwrap.dedent(f"""\
        company: {{name: Voorbeeld, legal_form: BV, country: BE, iban: {ACCOUNT}, bic: GKCCBEBB,
                  enterprise_number: BE0123456749}}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/customers.csv
            kind: customers
        dunning: {{plan: standard}}
        """), encoding="utf-8")


def camt(name: str, day: dt.date, payments) -> str:
    entries = "".join(
        f"<Ntry><Amt Ccy=\"EUR\">{amount(cents)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
        f"<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr>"
        f"<Nm>{CUSTOMERS[DOCUMENTS[invoice][0]][0]}</Nm></Dbtr></RltdPties><RmtInf><Strd><CdtrRefInf>"
        f"<Ref>{ogm(DOCUMENTS[invoice][3])}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>"
        for ref, invoice, cents in payments)
    return ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
            f"<BkToCstmrStmt><GrpHdr><MsgId>{name}</MsgId><CreDtTm>{day}T18:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>{name}</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id></Acct>{entries}</Stmt>"
            "</BkToCstmrStmt></Document>")


def cli(*args, code=0):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, (args, result.output)
    return result


def run_day(day: dt.date, *extra) -> list[dict]:
    result = cli("dunning", "run", "--as-of", day.isoformat(), "--json", "--allow-stale-bank", "--plan", "strict",
                 *extra)
    # the bookkeeper posts the day's letters that day: their legal periods count from then (`outbox printed`)
    cli("outbox", "printed", day.isoformat(), "--as-of", day.isoformat())
    return json.loads(result.stdout)["actions"]


# --- the law, by hand ---------------------------------------------------------------------------------------


def book_xix_cap(balance: int) -> int:
    """REFERENCE §4: at most 20.00 up to 150.00; 30.00 + 10 % above 150.00 up to 500.00; 65.00 + 5 % above
    500.00, at most 2,000.00; rounded down to the cent."""
    if balance <= 15000:
        return 2000
    if balance <= 50000:
        return 3000 + (balance - 15000) * 10 // 100
    return min(6500 + (balance - 50000) * 5 // 100, 200000)


def wik_cap(claim: int) -> int:
    """REFERENCE §5.2: 15 % of the first 2,500, 10 % of the next 2,500, 5 % of the next 5,000, 1 % of the next
    190,000, 0.5 % above; at least 40.00, at most 6,775.00; rounded down to the cent."""
    bands = [(250000, Fraction(15, 100)), (250000, Fraction(10, 100)), (500000, Fraction(5, 100)),
             (19000000, Fraction(1, 100)), (None, Fraction(5, 1000))]
    total, rest = Fraction(0), claim
    for width, rate in bands:
        part = rest if width is None else min(rest, width)
        total += part * rate
        rest -= part
        if rest <= 0:
            break
    return min(max(int(total), 4000), 677500)  # int() of a positive Fraction rounds down


def be_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in BE_HOLIDAYS


def be_cost_day(sent: dt.date, channel: str) -> dt.date:
    """Book XIX: the 14 days start the day after an e-mail, or on the 3rd Belgian working day after posting
    (that day is day 1); the costs may apply once the 14 days are over: day 1 + 14."""
    if channel == "email":
        first = sent + dt.timedelta(days=1)
    else:
        first, counted = sent, 0
        while counted < 3:
            first += dt.timedelta(days=1)
            counted += be_working_day(first)
    return first + dt.timedelta(days=14)


def nl_cost_day(sent: dt.date, channel: str) -> dt.date:
    """Art. 6:96(6) BW as REFERENCE §5.3 reads it cautiously: a letter is presumed delivered on day D, the 2nd
    day after posting not counting Sundays, Mondays and Dutch public holidays (an e-mail: the day sent); the 14
    days run D + 1 .. D + 14, the costs may apply on D + 15."""
    delivered = sent
    if channel != "email":
        counted = 0
        while counted < 2:
            delivered += dt.timedelta(days=1)
            counted += delivered.weekday() not in (6, 0) and delivered not in NL_HOLIDAYS
    return delivered + dt.timedelta(days=15)


def open_on(invoice: str, day: dt.date) -> int:
    """What is open on `invoice` on `day`, by construction: its amount less the payments booked by then."""
    paid = sum(cents for booked, rows in PAYMENTS.items() if booked <= day for _, i, cents in rows if i == invoice)
    return DOCUMENTS[invoice][2] - paid


def net_claim(action: dict, day: dt.date) -> int:
    """The action's invoices less every open credit note of the customer, as this test built them."""
    customer = action["customer_id"]
    credits = sum(cents for _, (c, _, cents, _) in DOCUMENTS.items() if c == customer and cents < 0)
    return sum(open_on(invoice, day) for invoice in action["invoices"]) + credits


def cents(text: str) -> int:
    units, _, fraction = text.partition(".")
    sign = -1 if units.startswith("-") else 1
    return sign * (abs(int(units)) * 100 + int((fraction + "00")[:2]))


COMMERCIAL = ("Law of 2 August 2002, art. 5", "6:119a")
CONSUMERS = {c for c, fields in CUSTOMERS.items() if fields[6] == "yes"}
START_STEP = {"BE": "reminder", "NL": "fourteen-day-letter"}  # the letter that starts the period before costs


# --- the scenario -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, module_state_url):
    """Runs the 60 days once; returns (workspace, [(day, action)], back-dated result, its dry run)."""
    root = tmp_path_factory.mktemp("lawful") / "ws"
    make_workspace(root)
    use_state(root, module_state_url)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(root)
        monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
        cli("import", "--as-of", START.isoformat())
        taken, back_dated, dry = [], None, None
        for offset in range(DAYS):
            day = START + dt.timedelta(days=offset)
            if day in PAYMENTS:
                name = f"bank-{day:%m%d}.xml"
                (root / "exports" / name).write_text(camt(f"S{day:%m%d}", day, PAYMENTS[day]), encoding="utf-8")
                cli("import", "--kind", "bank", f"exports/{name}", "--as-of", day.isoformat())
                cli("reconcile")
            taken += [(day, action) for action in run_day(day)]
            if day == dt.date(2026, 11, 30):
                before = snapshot(root)
                back_dated = CliRunner().invoke(app, ["dunning", "run", "--as-of", BACK_DATED.isoformat(),
                                                      "--json", "--allow-stale-bank", "--plan", "strict"])
                back_dated = (back_dated.exit_code, back_dated.output, before == snapshot(root))
                dry = CliRunner().invoke(app, ["dunning", "run", "--as-of", BACK_DATED.isoformat(), "--dry-run",
                                               "--json", "--allow-stale-bank", "--plan", "strict"])
                dry = (dry.exit_code, dry.stdout, before == snapshot(root))
        yield root, taken, back_dated, dry


def snapshot(root):
    """Every file of the workspace's state and outbox with its bytes."""
    files = [p for folder in (root / ".arctl", root / "outbox") if folder.is_dir() for p in folder.rglob("*")]
    return {str(p): p.read_bytes() for p in files if p.is_file() and not p.name.endswith(("-wal", "-shm", ".lock"))}


@pytest.mark.slow
def test_the_scenario_exercises_every_case(scenario):
    _, taken, _, _ = scenario
    consumer = [(day, a) for day, a in taken if a["customer_id"] in CONSUMERS]
    kinds = {(a["customer_id"][:3], c["kind"]) for _, a in consumer for c in a["costs"]}
    assert ("PBE", "damages") in kinds
    assert ("PNL", "collection_costs") in kinds
    assert {a["channel"] for _, a in consumer if a["step"] == "reminder"} >= {"email", "letter"}
    assert any(a["credits"] for _, a in consumer)
    assert any(c["kind"] == "compensation" for _, a in taken if a["customer_id"] == "BBE" for c in a["costs"]), \
        "the business plan --plan strict claims the EUR 40 from a business"
    assert {a["plan"] for _, a in taken if a["customer_id"] in {"BBE", "BNL"}} == {"strict"}


@pytest.mark.slow
def test_no_consumer_ever_gets_a_business_cost(scenario):
    _, taken, _, _ = scenario
    for day, action in taken:
        if action["customer_id"] not in CONSUMERS:
            continue
        assert action["plan"] in {"consumer-be", "consumer-nl"}, (day, action)
        for cost in action["costs"]:
            assert cost["kind"] != "compensation", (day, action)
            assert not any(law in (cost["basis"] or "") for law in COMMERCIAL), (day, action)


@pytest.mark.slow
def test_no_consumer_claim_exceeds_its_cap_on_the_net_balance(scenario):
    _, taken, _, _ = scenario
    for day, action in taken:
        for cost in action["costs"]:
            if cost["kind"] == "damages":
                assert action["customer_id"].startswith("PBE")
                assert cents(cost["amount"]) <= book_xix_cap(net_claim(action, day)), (day, action)
            if cost["kind"] == "collection_costs":
                assert action["customer_id"].startswith("PNL")
                assert cents(cost["amount"]) <= wik_cap(net_claim(action, day)), (day, action)


@pytest.mark.slow
def test_the_claims_are_on_the_net_balance_in_the_issues_case(scenario):
    _, taken, _, _ = scenario
    [(day, demand)] = [(d, a) for d, a in taken if a["customer_id"] == "PBE-MAIL" and a["step"] == "demand"]
    # on the demand's day 1,000.00 of 3,776.00 is paid: 2,776.00 + 120.00 - 605.00 = 2,291.00 net;
    # Book XIX: 65.00 + 5 % x (2,291.00 - 500.00) = 65.00 + 89.55 = 154.55 at most
    assert net_claim(demand, day) == 229100
    assert book_xix_cap(229100) == 15455
    [damages] = [c for c in demand["costs"] if c["kind"] == "damages"]
    assert cents(damages["amount"]) <= 15455
    assert [c["invoice_id"] for c in demand["credits"]] == ["CN-2026-0007"]


@pytest.mark.slow
def test_no_cost_step_comes_before_its_lawful_day(scenario):
    _, taken, _, _ = scenario
    country = {c: fields[5] for c, fields in CUSTOMERS.items()}
    started: dict[str, tuple[dt.date, str]] = {}  # invoice -> (day, channel) of the letter that started its period
    for day, action in taken:
        customer = action["customer_id"]
        if customer not in CONSUMERS:
            continue
        land = country[customer]
        if action["step"] == START_STEP[land]:
            for invoice in action["invoices"]:
                started.setdefault(invoice, (day, action["channel"]))
        if not action["costs"]:
            continue
        lawful = be_cost_day if land == "BE" else nl_cost_day
        # at least the invoices the costs are on have had their full period; an invoice that only joined the
        # document at a lower step carries none, so the earliest period is the one to respect
        earliest = min((lawful(*started[i]) for i in action["invoices"] if i in started), default=None)
        assert earliest is not None, (day, action, "a cost step without the letter that starts its period")
        assert day >= earliest, (day, action, earliest)


@pytest.mark.slow
def test_no_customer_gets_two_documents_on_one_day(scenario):
    _, taken, _, _ = scenario
    # the handover to the agency is written for the agency, not sent to the customer: on Friday 20 November
    # the business BBE's first invoice goes to the agency while its second gets the formal notice, as the
    # issue allows ("never two documents to one customer over one channel on one day")
    counts = Counter((day, action["customer_id"]) for day, action in taken if action["channel"] != "agency")
    assert [key for key, n in counts.items() if n > 1] == []
    per_channel = Counter((day, action["customer_id"], action["channel"]) for day, action in taken)
    assert [key for key, n in per_channel.items() if n > 1] == []


_MONTHS = {name: number for number, names in enumerate(
    (("januari", "january"), ("februari", "february"), ("maart", "march"), ("april",), ("mei", "may"),
     ("juni", "june"), ("juli", "july"), ("augustus", "august"), ("september",), ("oktober", "october"),
     ("november",), ("december",)), start=1) for name in names}


def printed_pay_by(root, document: str) -> dt.date:
    """The pay-by date a letter or e-mail prints: "uiterlijk op 16 november 2026" (Dutch), "by 16 November
    2026 at the latest" (English)."""
    from email import message_from_bytes, policy

    data = (root / document).read_bytes()
    text = message_from_bytes(data, policy=policy.default).get_body(("plain",)).get_content() \
        if document.endswith(".eml") else data.decode("utf-8")
    text = re.sub(r"<[^>]+>", "", text)
    found = re.search(r"(?:uiterlijk op|by) (\d{1,2}) (\w+) (\d{4})", text)
    assert found, document
    return dt.date(int(found.group(3)), _MONTHS[found.group(2).lower()], int(found.group(1)))


def test_the_printed_pay_by_dates_are_the_lawful_ones(scenario):
    """The JSON of a run has no pay-by date: it is read from the documents."""
    root, taken, _, _ = scenario
    checked = Counter()
    for day, action in taken:
        customer, step, channel = action["customer_id"], action["step"], action["channel"]
        if customer.startswith("PBE") and step == "reminder":
            # Book XIX: 14 days counted from day 1 (the day after an e-mail, the 3rd working day after posting):
            # the last day to pay is day 1 + 13, the day before the costs may apply
            expected = be_cost_day(day, channel) - dt.timedelta(days=1)
        elif customer.startswith("PNL") and step == "fourteen-day-letter":
            # art. 6:96(6) BW: 14 days from the day after presumed delivery D: the letter prints D + 14
            expected = nl_cost_day(day, channel) - dt.timedelta(days=1)
        elif customer in {"BBE", "BNL"} and step == "reminder":
            expected = day + dt.timedelta(days=7)  # strict.yaml: new_term 7 days from the document date
        else:
            continue
        document = action["documents"][0]   # the .eml, or the letter's .html (its .pdf beside it)
        assert printed_pay_by(root, document) == expected, (day, action)
        checked[(customer[:3], channel)] += 1
    # e-mailed and posted Belgian reminders (2 Nov: 16 and 18 Nov), Dutch 14-day letters (12 Nov: delivered
    # Saturday 14 Nov, last day 28 Nov), the businesses' reminders
    assert set(checked) == {("PBE", "email"), ("PBE", "letter"), ("PNL", "letter"), ("BBE", "email"),
                            ("BNL", "email")}


# --- what the scenario found ------------------------------------------------------------------------------


def _only(taken, customer: str, step: str) -> dict:
    [action] = [a for _, a in taken if a["customer_id"] == customer and a["step"] == step]
    return action


@pytest.mark.slow
def test_the_interest_after_the_waiting_period_is_net_of_an_earlier_credit_note(scenario):
    _, taken, _, _ = scenario
    demand = _only(taken, "PBE-MAIL", "demand")
    # Belgian legal rate 2026: 4.5 %; interest from the end of the waiting period: the reminder was e-mailed on
    # Monday 2 November, day 1 is 3 November, day 14 is 16 November: interest from 17 November to 14 December.
    # 2026-0311 less the credit note of 26 Oct (605.00): 3,171.00 for 17-24 Nov (8 days), and after the
    # 1,000.00 paid on 25 Nov 2,171.00 for 25 Nov - 14 Dec (20 days); 2026-0318: 120.00 for 28 days:
    # 3,171 x 4.5 % x 8/365 = 3.12756; 2,171 x 4.5 % x 20/365 = 5.35315; 120 x 4.5 % x 28/365 = 0.41425;
    # together 8.89496 -> 8.89
    [interest] = [c for c in demand["costs"] if c["kind"] == "interest"]
    assert interest["amount"] == "8.89"


@pytest.mark.slow
def test_a_dutch_consumer_is_claimed_the_dutch_legal_interest(scenario):
    _, taken, _, _ = scenario
    for customer in ("PNL-MAIL", "PNL-POST"):
        costs = _only(taken, customer, "collection-costs")["costs"]
        assert all("6:119 BW" in c["basis"] for c in costs if c["kind"] == "interest"), costs


@pytest.mark.slow
def test_a_back_dated_run_is_refused_and_changes_nothing_while_its_dry_run_works(scenario):
    _, _, (code, output, unchanged), (dry_code, dry_output, dry_unchanged) = scenario
    assert code == 2, output
    assert unchanged
    assert dry_code == 0
    assert json.loads(dry_output)["dry_run"] is True
    assert dry_unchanged


@pytest.mark.slow
def test_the_outbox_and_the_state_agree(scenario):
    root, _, _, _ = scenario
    assert outbox_agrees_with_state(root)
