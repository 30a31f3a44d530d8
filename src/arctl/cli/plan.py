"""`arctl plan show|check`: explain a dunning plan as a timeline; validate it."""

from __future__ import annotations

from typing import Annotated

import typer

from arctl.cli import app, out_console, sub_app, workspace_or_none

plan_app = sub_app(
    name="plan",
    help="Dunning plans: explain one as a timeline, or validate it.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(plan_app, name="plan")

PlanArg = Annotated[str, typer.Argument(help="A plan file (plans/standard.yaml), or a plan's name: the workspace's "
                                        "plans/ first, then the plans shipped with arctl (standard, key-accounts, "
                                        "strict, consumer-be, consumer-nl).", show_default=False)]


def _load(target: str):
    from arctl import workflows

    workspace = workspace_or_none()
    return workspace, workflows.load_plans(target, workspace)


@plan_app.command()
def show(plan: PlanArg) -> None:
    """Explain a plan as a timeline a sales colleague understands: each step, when, how, and with what costs.

    Also its minimum amount, pauses, scheduled statements and which customers follow another plan.

    Example: [bold]arctl plan show standard[/bold]
    """
    workspace, plans = _load(plan)
    country = workspace.config.company.country if workspace is not None else "BE"
    from arctl.render.plan_text import describe_plan_set

    console = out_console()
    for line in describe_plan_set(plans, country):
        console.print(line, markup=False)


@plan_app.command()
def check(plan: PlanArg) -> None:
    """Validate a plan and every plan its segments lead to; list every problem with its file and line.

    Unknown keys, wrong values, step ids used twice, segments naming a missing plan or leading back in a loop, costs on a step that cannot state them, and consumer plans (consumer: BE / NL) that break a consumer rule. Every template a step or schedule names must exist in a language its customers need and render with a sample (a missing field is named). In a workspace, also the consumers no plan route reaches (not dunned). Exit 0 when valid, 2 otherwise.

    Example: [bold]arctl plan check plans/standard.yaml[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl import workflows
    from arctl.cli.options import as_of_date

    workspace, plans = _load(plan)
    main = plans.main
    others = [p for p in plans.plans if p.key != main.key]
    console = out_console()
    console.print(f"{main.source}: valid ({main.name}, {len(main.steps)} step{'s' if len(main.steps) != 1 else ''})",
                  markup=False)
    for other in others:
        console.print(f"{other.source}: valid ({other.name}, {len(other.steps)} steps; a segment leads here)",
                      markup=False)
    problems = workflows.template_problems(plans, workspace)
    if problems:
        from arctl.errors import ConfigError

        raise ConfigError("templates the plans name cannot be used:\n  " + "\n  ".join(problems),
                          hint="fix or add the templates (README: Templates); nothing was sent")
    unreached = workflows.unreached_consumers(plan, workspace, as_of_date("today", workspace))
    if unreached:
        console.print("consumers no plan route reaches (they are not dunned):", markup=False)
        for customer, why in unreached.items():
            console.print(f"  {customer}: {why}", markup=False)
