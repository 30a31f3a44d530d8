"""`plan check`'s template check: every document a plan can send exists in the languages it needs and
renders with a sample action (a missing field, StrictUndefined, is found before anything is sent)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from arctl.config import Config, Workspace
from arctl.errors import ArctlError

if TYPE_CHECKING:
    from arctl.dunning.plan import Plan, PlanSet
    from arctl.render.templates import DunningEnvironment


def needed_languages(workspace: Workspace | None) -> tuple[str, ...]:
    """The languages of the workspace's customers (a customer without one counts as the company's), else the
    language of the company's locale."""
    from arctl.render.templates import language_code
    from arctl.workflows.workspace import open_store

    config = workspace.config if workspace is not None else Config()
    company = language_code(config.locale)
    if workspace is None:
        return (company,)
    store = open_store(workspace)
    try:
        master = store.customers()
    finally:
        store.close()
    if master.empty or "language" not in master.columns:
        return (company,)
    found = {language_code(str(value or "")) or company for value in master["language"].tolist()}
    return tuple(sorted(found))


def template_problems(plans: PlanSet, workspace: Workspace | None) -> list[str]:
    """What is wrong with the templates the plans name, one line each: a template in none of the languages
    its customers need, or one that does not render (a missing field, a syntax error, the sandbox)."""
    from arctl.render.templates import environment

    env = environment(workspace.root / "templates" if workspace is not None else None)
    languages = needed_languages(workspace)
    problems: list[str] = []
    for plan in plans.plans:
        for where, template, kind, channels, costs, announced in _documents(plan):
            problems += _check_one(env, workspace, plan, where, template, kind, channels, costs, announced, languages)
    return problems


def _documents(plan: Plan) -> Iterable[tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """Each document a plan sends: where it is named, the template, its kind, its channels, the costs it claims
    and those a later step would claim."""
    from arctl.render.templates import default_template

    for index, step in enumerate(plan.steps):
        if step.channel == "phone":
            continue
        channels = tuple(c for c in (step.channel, step.fallback_channel) if c)
        later = tuple(kind for other in plan.steps[index + 1:] for kind in other.costs.kinds)
        yield (f"{plan.source}: steps[{index}] ({step.id})", step.template or default_template("step", step.channel),
               "step", channels, step.costs.kinds, later if not step.costs else ())
    for index, entry in enumerate(plan.schedule):
        channels = tuple(c for c in (entry.channel, entry.fallback_channel) if c)
        yield (f"{plan.source}: schedule[{index}] ({entry.id})", entry.template or "statement", "statement",
               channels, (), ())


def _check_one(env: DunningEnvironment, workspace: Workspace | None, plan: Plan, where: str, template: str,
               kind: str, channels: tuple[str, ...], costs: tuple[str, ...], announced: tuple[str, ...],
               languages: tuple[str, ...]) -> list[str]:
    from arctl.render.dunning import company_party, render_letter, render_parts
    from arctl.render.samples import sample_document
    from arctl.render.templates import file_name, language_for

    forms = tuple(sorted({"txt" if channel == "email" else "html" for channel in channels}))
    missing = [form for form in forms if not any(env.has(file_name(lang, template, form)) for lang in languages)]
    if missing:
        wanted = ", ".join(file_name(lang, template, form) for form in missing for lang in languages)
        return [f"{where}: template {template!r} exists in none of the languages its customers need "
                f"({', '.join(languages)}): no {wanted}; add it to the workspace's templates/, or name a shipped "
                f"template"]
    config = workspace.config if workspace is not None else Config()
    company = company_party(config.company, workspace.root if workspace is not None else Path.cwd())
    problems = []
    for language in sorted({language_for(env, template, (lang,)) for lang in languages}):
        try:
            for channel in channels:
                document = sample_document(env, template, language, company, config.locale, channel=channel,
                                           consumer=plan.consumer or "", costs=costs, announced=announced)
                if channel == "email":
                    render_parts(env, document)
                else:
                    render_letter(env, document)
        except ArctlError as exc:
            problems.append(f"{where}: {exc.message}")
    return problems

