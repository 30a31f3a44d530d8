"""A realistic sample of every document, to render a template before anything is sent (`plan check`) and
for the templates' golden files: two invoices (one part paid), a credit note, the costs a step claims with
interest per period, and the costs a later step would claim."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from arctl.model import Action, ActionLine, Contact, Cost, InstallmentDue, InterestPeriod
from arctl.render.dunning import DunningDocument, Party, PlanInstallment, document_for
from arctl.render.templates import DunningEnvironment

AS_OF = dt.date(2026, 11, 26)
PAY_BY = dt.date(2026, 12, 10)

# interest at 10.50 % (the Belgian B2B rate of 2026 H2 in the sample) from the day after each due date up to
# and including 26 November 2026: 1,210.00 x 10.5 % x 56/365 = 19.49; 284.00 x 10.5 % x 42/365 = 3.43
_PERIODS = (InterestPeriod("2026-0142", dt.date(2026, 10, 2), AS_OF, 56, "10.50", 121000, 1949),
            InterestPeriod("2026-0157", dt.date(2026, 10, 16), AS_OF, 42, "10.50", 28400, 343))
_COSTS = {
    "compensation": Cost("compensation", 8000, "Law of 2 August 2002, art. 6"),     # EUR 40 per invoice
    "interest": Cost("interest", 1949 + 343, "Law of 2 August 2002, art. 5", AS_OF, _PERIODS),
    "fee": Cost("fee", 750, "the plan's reminder fee"),
    # on the balance net of the credit note, 1,494.00 - 60.50 = 1,433.50, each a legal maximum rounded down:
    "damages": Cost("damages", 11167, "Book XIX CEL art. XIX.2"),     # 65 + 5 % of (1,433.50 - 500) = 111.675
    "collection_costs": Cost("collection_costs", 21502, "art. 6:96 BW"),   # 15 % of 1,433.50 = 215.025
}


def sample_action(template: str, *, kind: str = "step", channel: str = "letter", consumer: str = "",
                  costs: Iterable[str] = (), announced: Iterable[str] = (), lines: int = 2) -> Action:
    listed = (ActionLine("2026-0142", dt.date(2026, 10, 1), 121000, "Sample Customer", "002026014243",
                         document="https://invoices.example.com/2026-0142.pdf", issue_date=dt.date(2026, 9, 1),
                         amount=121000),
              ActionLine("2026-0157", dt.date(2026, 10, 15), 28400, "Sample Customer", "",
                         issue_date=dt.date(2026, 9, 15), amount=48400))[:lines]
    if kind == "statement" and len(listed) > 1:   # a statement says why an item is not dunned
        listed = (listed[0], replace(listed[1], status="disputed"))
    credit = ActionLine("CN-2026-0009", dt.date(2026, 10, 20), -6050, issue_date=dt.date(2026, 10, 20),
                        amount=-6050)
    claimed = tuple(_COSTS[k] if k != "damages" or consumer == "BE" else _COSTS["damages"] for k in costs
                    if k in _COSTS)
    stated = tuple(Cost(k, 0, "") if k == "interest" else _COSTS[k] for k in announced if k in _COSTS)
    stated = tuple(sorted(stated, key=lambda cost: cost.kind == "interest"))
    return Action(kind, "K0001", "standard", template, channel, channel, "EUR", listed,
                  sum(line.open_amount for line in listed), claimed, PAY_BY if kind == "step" else None, template,
                  credits=(credit,) if kind == "step" else (), announced=stated, consumer=consumer,
                  installment=InstallmentDue(1, 2, dt.date(2026, 11, 15)) if kind == "installment" else None)


def sample_document(env: DunningEnvironment, template: str, language: str, company: Party, locale: str, *,
                    channel: str = "letter", consumer: str = "", costs: Iterable[str] = (),
                    announced: Iterable[str] = (), customer: Contact | None = None, lines: int = 2
                    ) -> DunningDocument:
    """The document of a sample action in `language`, as `document_for` makes it."""
    kind = template if template in ("statement", "installment") else "step"
    action = sample_action(template, kind=kind, channel=channel, consumer=consumer, costs=costs,
                           announced=announced, lines=lines)
    contact = customer or Contact("K0001", "Sample Customer", "accounts@customer.example", "+32 2 555 01 23",
                                  "Rue de la Loi 16", "1000", "Brussels", language)
    document = document_for(action, contact, company, AS_OF, locale, env)
    if template == "payment-plan":
        document = replace(document, installments=(PlanInstallment(1, dt.date(2026, 12, 15), 50000),
                                                   PlanInstallment(2, dt.date(2027, 1, 15), 50000),
                                                   PlanInstallment(3, dt.date(2027, 2, 15), 43350)))
    return document
