"""One customer, one document: which invoices share a document, at which step, and which have left dunning.

- never two documents to one customer over one channel on one day: invoices due for a lower step join
  the document of the most advanced step (each keeps its own step, recorded as such; costs only on the
  invoices of the step that carries them);
- an invoice handed over to a collection agency (a step on the `agency` channel was taken) gets no more
  reminders, whatever plan the customer follows now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from arctl.dunning.channel import actual_channel
from arctl.dunning.plan import Plan, PlanSet, Step

AGENCY_CHANNEL = "agency"


class Record(Protocol):
    @property
    def step_id(self) -> str: ...
    @property
    def channel(self) -> str | None: ...


def document_key(row: Mapping[str, Any], plan: Plan, step: Step, has_email: bool,
                 preferred: str | None) -> tuple[str, str, str, str]:
    """The document an invoice due for `step` goes in: customer, plan, the channel it actually goes by,
    currency."""
    channel = actual_channel(step.channel, step.fallback_channel, has_email, preferred)
    return row["customer_id"], plan.key, channel, row["currency"]


def document_step(group: list[dict[str, Any]]) -> Step:
    """The most advanced step among a document's invoices (their plan's order): the document's step."""
    plan: Plan = group[0]["plan"]
    order = [step.id for step in plan.steps]
    steps: list[Step] = [row["step"] for row in group]
    return max(steps, key=lambda step: order.index(step.id))


def handed_over(taken: Mapping[str, Iterable[Record]], plans: PlanSet) -> set[str]:
    """The invoices handed over to a collection agency: a step of the agency channel was taken for them
    (recorded by that channel, or the step is an agency step of a plan)."""
    agency_steps = {step.id for plan in plans.plans for step in plan.steps if step.channel == AGENCY_CHANNEL}
    return {invoice for invoice, records in taken.items()
            if any(r.channel == AGENCY_CHANNEL or r.step_id in agency_steps for r in records)}
