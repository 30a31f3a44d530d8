"""The daily run's answer: its JSON document and the short text a person (or a cron mail) reads."""

from __future__ import annotations

from typing import Any

from arctl.money import format_money

_STATUS = {"done": "done", "nothing_new": "nothing new", "refused": "REFUSED"}


def daily_json(result: Any) -> dict[str, Any]:
    """{"as_of", "exit_code", "steps": [{name, status, exit_code, summary, message?, hint?}], "refused",
    "summary"}: `refused` names the step that stopped the run (null when none did), `summary` is null then."""
    refused = result.refused
    return {
        "as_of": result.as_of.isoformat(),
        "exit_code": result.exit_code,
        "steps": [{"name": s.name, "status": s.status, "exit_code": s.exit_code, "summary": s.summary,
                   **({"message": s.message, "hint": s.hint} if s.status == "refused" else {})}
                  for s in result.steps],
        "refused": None if refused is None else {"step": refused.name, "exit_code": refused.exit_code,
                                                 "done_before": [s.name for s in result.steps if s is not refused]},
        "summary": result.summary,
    }


def daily_lines(result: Any, locale: str) -> list[str]:
    """One line per step, then (when every step ran) payments, documents, overdue and what needs a person; or
    which step stopped the run and which were done before it."""
    lines = [f"arctl run as of {result.as_of.isoformat()}"]
    for step in result.steps:
        status = _STATUS.get(step.status, step.status) + (f" (exit {step.exit_code})" if step.exit_code else "")
        lines.append(f"  {step.name:<10} {status:<16} {_step_text(step)}".rstrip())
    refused = result.refused
    if refused is not None:
        before = [s.name for s in result.steps if s is not refused]
        lines.append(f"stopped at {refused.name} (exit {refused.exit_code}); done before it: "
                     + (", ".join(before) if before else "nothing"))
        return lines
    summary = result.summary
    paid = summary["payments"]
    lines.append(f"payments: {paid['matched_auto']} matched automatically in this run, {paid['suggested']} "
                 f"suggested and {paid['left_to_a_person']} left to a person")
    actions = summary["actions"]
    lines.append("documents: " + (", ".join(f"{a['channel']} {a['step']} {a['actions']}" for a in actions)
                                  if actions else "none new"))
    overdue = [f"{format_money(sum(row.buckets[1:]), row.currency, locale)} of "
               f"{format_money(row.total, row.currency, locale)} open" for row in result.aging.totals]
    lines.append("overdue: " + ("; ".join(overdue) if overdue else "nothing open"))
    kinds = summary.get("needs_a_person_by_kind", {})
    lines.append(f"needs a person: {summary['needs_a_person']}"
                 + (" (" + ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in kinds.items()) + ")"
                    if kinds else "") + ("; see `arctl todo`" if summary["needs_a_person"] else ""))
    return lines


def _step_text(step: Any) -> str:
    s = step.summary
    if step.status == "refused":
        return step.message
    if step.name == "import":
        return (f"{s['files']} file(s) imported ({s['records']} records, {s['closed']} invoice(s) closed), "
                f"{s['unchanged']} unchanged")
    if step.name == "reconcile":
        if "note" in s:
            return s["note"]
        return (f"{s['new_matches']} new match(es): {s['auto']} payment(s) matched automatically, {s['suggested']} "
                f"suggested; "
                f"{s['unmatched']} credit(s) fit nothing" + (f"; {s['returned']} returned" if s["returned"] else ""))
    if step.name == "dunning":
        text = f"{s['actions']} document(s) written"
        if "sending" in s:
            text += f"; e-mails sent {s['sending']['sent']}, failed {s['sending']['failed']}, unknown " \
                    f"{s['sending']['unknown']}"
        return text
    if step.name == "reports":
        names = ", ".join(f.rpartition("/")[2] for f in s["files"])
        return f"{s['folder']}/: {names}"
    return ""
