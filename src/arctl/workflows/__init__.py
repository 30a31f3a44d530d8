"""One function per command: read through io, compute with the engines, return a result object.

    workspace     init and find the workspace; its state store and the lock held while writing
    reading       check, aging (exports read, nothing stored)
    importing     import (exports into the workspace state)
    reconciling   reconcile, match, unmatch
    payments      payments (the stored credits and their allocations); reconcile -o's standing matches
    pauses        hold, release, dispute, promise, note
    dunning       the dunning plans; dunning status (the engine's inputs from the state)
    running       dunning run (the documents in outbox/<date>/ and their record)
    sending       outbox: send the e-mails over SMTP, list, resolve, printed letters
    run_checks    dunning run's date and bank-source checks, and the plan each customer in it follows
    explaining    explain (why an invoice is or is not in a run)
    payplans      payplan create, show, cancel
    customers     customer set, unset, show (what a person decided for a customer)
    statement     statement (a customer's statement of account, HTML or PDF)
    template_check  plan check's templates: in the languages needed, rendered with a sample

Every module imports pandas, the engines and the edges other than io.export inside its functions, so that
`arctl --help` stays fast.
"""

from __future__ import annotations

from arctl.workflows.customers import (
    OVERRIDE_FIELDS,
    PREFERRED_CHANNELS,
    CustomerView,
    customer_set,
    customer_show,
    customer_unset,
)
from arctl.workflows.dunning import DunningView, dunning_status, load_plans, unreached_consumers
from arctl.workflows.explaining import Explanation, explain
from arctl.workflows.importing import CLOSURE_SHARE, ImportResult, import_sources
from arctl.workflows.pauses import (
    CALL_OUTCOMES,
    HOLD_REASONS,
    dispute_close,
    dispute_open,
    hold,
    note,
    promise,
    release,
)
from arctl.workflows.payments import payments, standing_matches
from arctl.workflows.payplans import PaymentPlanView, payplan_cancel, payplan_create, payplan_show
from arctl.workflows.reading import AgingResult, CheckResult, aging, check, source_options
from arctl.workflows.reconciling import (
    ManualMatch,
    ReconcileResult,
    match_manually,
    reconcile,
    reconcile_workspace,
    unmatch,
)
from arctl.workflows.running import ActionOutcome, RunResult, dunning_run
from arctl.workflows.sending import SendResult, outbox_list, outbox_printed, outbox_resolve, outbox_send
from arctl.workflows.statement import StatementResult, account_statement
from arctl.workflows.template_check import template_problems
from arctl.workflows.workspace import init_workspace, load_workspace, open_store, state_dir

__all__ = [
    "CALL_OUTCOMES",
    "CLOSURE_SHARE",
    "HOLD_REASONS",
    "OVERRIDE_FIELDS",
    "PREFERRED_CHANNELS",
    "ActionOutcome",
    "AgingResult",
    "CheckResult",
    "CustomerView",
    "DunningView",
    "Explanation",
    "ImportResult",
    "ManualMatch",
    "PaymentPlanView",
    "ReconcileResult",
    "RunResult",
    "SendResult",
    "StatementResult",
    "account_statement",
    "aging",
    "check",
    "customer_set",
    "customer_show",
    "customer_unset",
    "dispute_close",
    "dispute_open",
    "dunning_run",
    "dunning_status",
    "explain",
    "hold",
    "import_sources",
    "init_workspace",
    "load_plans",
    "template_problems",
    "unreached_consumers",
    "load_workspace",
    "match_manually",
    "note",
    "open_store",
    "outbox_list",
    "outbox_printed",
    "outbox_resolve",
    "outbox_send",
    "payments",
    "payplan_cancel",
    "payplan_create",
    "payplan_show",
    "promise",
    "reconcile",
    "reconcile_workspace",
    "release",
    "source_options",
    "standing_matches",
    "state_dir",
    "unmatch",
]
