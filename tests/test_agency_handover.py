"""The hand-over to a collection agency: the notice to the customer is a document of the action like any other,
and beside it a folder for the agency with the claim (CSV and XLSX), the history of every reminder, the
payments, the customer's master data and copies of the documents sent; all written before the hand-over is
recorded."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from arctl.render.pdf import unavailable
from arctl.state.store import Store
from calls_workspace import arctl, customer, make, run
from outbox_check import outbox_agrees_with_state

pytestmark = pytest.mark.state

# A Belgian B2B plan: a friendly e-mail, a formal demand that claims the EUR 40 compensation and statutory
# interest (law of 2 August 2002), then the hand-over 10 days later.
TO_THE_AGENCY = """\
    name: To the agency
    steps:
      - id: friendly
        after_due: 7 days
        channel: email
        new_term: 10 days
      - id: demand
        after_previous: 14 days
        channel: registered_letter
        new_term: 8 days
        costs:
          compensation: eu-b2b
          interest: statutory
      - id: agency
        label: Hand-over to the collection agency
        after_previous: 10 days
        channel: agency
    """
# Invoice 2026-0001 of 1 210,00 due Monday 2 March 2026, of which the customer paid 210,00 (the accounting
# export shows 1 000,00 open). The friendly e-mail goes on 9 March, the demand on 23 March, the hand-over on
# 2 April 2026.
INVOICE = "2026-0001,K001,\"Bakkerij Peeters BV\",2026-02-01,2026-03-02,EUR,1210.00,1000.00"
CUSTOMER = customer("K001", "Bakkerij Peeters BV", "Els Peeters", "boekhouding@peeters.example.be", "+32 3 231 45 67")
DAYS = ("2026-03-09", "2026-03-23", "2026-04-02")
HANDOVER = "2026-04-02"
FOLDER = Path("outbox") / HANDOVER / "agency" / "K001-agency-EUR"
# What the hand-over claims on 2 April 2026:
#   principal: the open 1 000,00
#   compensation: the fixed EUR 40,00 of art. 6 of the law of 2 August 2002
#   interest: 1 000,00 x 10,5 % (the Belgian B2B rate of the first half of 2026) x 31/365 days
#             (3 March to 2 April 2026, both included) = 8,9178... -> 8,92
#   total: 1 000,00 + 40,00 + 8,92 = 1 048,92
TOTAL = "1048.92"


@pytest.fixture
def root(tmp_path) -> Path:
    root = make(tmp_path / "ws", TO_THE_AGENCY, [INVOICE], [CUSTOMER], as_of=DAYS[0])
    for day in DAYS[:-1]:
        run(root, day)
    return root


def handover(root: Path) -> dict:
    [action] = run(root, HANDOVER)["actions"]
    return action


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";"))   # nl_BE


def test_the_hand_over_sends_the_customer_a_notice_and_writes_the_agency_folder(root):
    action = handover(root)

    assert (action["step"], action["channel"]) == ("agency", "agency")
    assert action["documents"][0] == f"outbox/{HANDOVER}/K001-agency-EUR.html"     # the notice to the customer
    assert (root / action["documents"][0]).is_file()
    assert sorted(p.name for p in (root / FOLDER).iterdir()) == [
        "claim.csv", "claim.xlsx", "customer.csv", "customer.json", "documents", "history.csv", "payments.csv"]
    assert outbox_agrees_with_state(root)


def test_the_claims_total_is_the_hand_overs_total_with_its_costs(root):
    action = handover(root)

    rows = {row["kind"]: row for row in read_csv(root / FOLDER / "claim.csv")}

    assert action["total_due"] == TOTAL
    assert rows["total_due"]["amount"] == "1048,92"
    assert rows["invoice"]["amount"] == "1210,00" and rows["invoice"]["paid"] == "210,00"
    assert rows["invoice"]["open_amount"] == "1000,00"
    assert rows["compensation"]["amount"] == "40,00"
    assert rows["interest"]["amount"] == "8,92"
    assert (rows["interest"]["period_from"], rows["interest"]["period_to"]) == ("2026-03-03", "2026-04-02")


def test_the_claim_names_the_interest_rate_of_each_period(root):
    handover(root)

    [rate] = [row for row in read_csv(root / FOLDER / "claim.csv") if row["kind"] == "interest_rate"]

    assert (rate["period_from"], rate["period_to"], rate["rate_percent"]) == ("2026-03-03", "2026-04-02", "10,5")
    assert rate["basis"].startswith("be-b2b")


def test_the_claim_workbook_holds_the_same_figures_as_numbers(root):
    handover(root)

    sheet = load_workbook(root / FOLDER / "claim.xlsx")["Claim"]
    lines = list(sheet.iter_rows(values_only=True))
    rows = {line[0]: dict(zip(lines[0], line, strict=True)) for line in lines[1:]}

    assert rows["total_due"]["amount"] == pytest.approx(1048.92)
    assert rows["interest"]["amount"] == pytest.approx(8.92)


def test_the_history_lists_every_reminder_with_its_date_and_channel(root):
    handover(root)

    history = [(row["date"], row["step"], row["channel"]) for row in read_csv(root / FOLDER / "history.csv")]

    assert history == [("2026-03-09", "friendly", "email"), ("2026-03-23", "demand", "registered_letter"),
                       ("2026-04-02", "agency", "agency")]


def test_the_folder_holds_a_copy_of_every_document_sent_to_the_customer(root):
    handover(root)

    copies = root / FOLDER / "documents"

    # a letter is HTML and, where WeasyPrint is installed, PDF: both are copied
    pdf = ["2026-03-23-K001-demand-EUR.pdf"] if unavailable() is None else []
    assert sorted(p.name for p in copies.iterdir()) == sorted([
        "2026-03-09-K001-friendly-EUR.eml", "2026-03-23-K001-demand-EUR.html", "2026-04-02-K001-agency-EUR.html",
        *pdf])
    assert (copies / "2026-03-23-K001-demand-EUR.html").read_bytes() == \
        (root / "outbox" / "2026-03-23" / "K001-demand-EUR.html").read_bytes()


def test_the_customers_master_data_goes_with_the_claim(root):
    handover(root)

    master = json.loads((root / FOLDER / "customer.json").read_text(encoding="utf-8"))

    assert (master["customer_id"], master["name"], master["contact"]) == ("K001", "Bakkerij Peeters BV",
                                                                          "Els Peeters")
    assert (master["email"], master["phone"]) == ("boekhouding@peeters.example.be", "+32 3 231 45 67")


class SimulatedKill(BaseException):
    """The process dying after the hand-over's files were written, before it was recorded."""


def test_a_hand_over_killed_before_it_was_recorded_is_written_anew_and_the_outbox_agrees(root, monkeypatch):
    recording = Store.record_actions

    def killed(self, actions, as_of):
        if any(action.channel == "agency" for action, _, _ in actions):
            raise SimulatedKill("after the agency folder was written")
        recording(self, actions, as_of)

    monkeypatch.setattr(Store, "record_actions", killed)
    with pytest.raises(SimulatedKill):
        arctl(root, "dunning", "run", "--as-of", HANDOVER)
    monkeypatch.undo()
    assert (root / FOLDER / "claim.csv").is_file()          # written, not recorded

    action = handover(root)

    assert action["total_due"] == TOTAL
    assert (root / FOLDER / "claim.xlsx").is_file()
    assert outbox_agrees_with_state(root)


def test_payments_received_at_the_bank_are_listed_with_their_date_and_invoice():
    import datetime as dt

    from arctl.model import Action, ActionLine
    from arctl.render.agency import Handover, payments_csv

    # 210,00 of invoice 2026-0001 (1 210,00) was paid at the bank on 20 March 2026
    line = ActionLine("2026-0001", dt.date(2026, 3, 2), 100_000)
    action = Action("step", "K001", "standard", "agency", "agency", "agency", "EUR", (line,), 100_000)
    handover = Handover(action, {"2026-0001": {"amount": 121_000}}, [], [(dt.date(2026, 3, 20), "2026-0001", 21_000)],
                        {"customer_id": "K001"})

    assert payments_csv(handover, "nl_BE").decode("utf-8").splitlines() == [
        "booking_date;invoice_id;amount;currency", "2026-03-20;2026-0001;210,00;EUR"]
