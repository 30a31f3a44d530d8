"""`arctl todo` on the demo: after `make demo`'s steps (import, reconcile, dunning run at 2026-11-26) it lists an
item of every kind the demo produces, each with the command that settles it. README "What needs a person" says
which kinds the demo does not produce and why."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from arctl.cli import app
from test_demo_golden import run_demo

# the kinds the demo's exports and its dunning run produce (README: the others need a person's records first)
DEMO_KINDS = {"suggested_match", "unmatched_credit", "letter_to_print"}


def test_the_demo_lists_every_kind_it_produces_each_with_its_command(tmp_path, monkeypatch):
    run_demo(tmp_path, monkeypatch)

    result = CliRunner().invoke(app, ["todo", "--as-of", "2026-11-26", "--json"])

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {kind for kind, count in document["counts"].items() if count} == DEMO_KINDS
    commands = {"suggested_match": "arctl match ", "unmatched_credit": "arctl match ",
                "letter_to_print": "arctl outbox printed 2026-11-26 --day "}
    for item in document["items"]:
        assert item["command"].startswith(commands[item["kind"]]), item


def test_the_demo_payment_naming_one_invoice_and_paying_another_is_suggested_with_both(tmp_path, monkeypatch):
    # examples/generate.py: K0028 pays 155.19, the open amount of 2026-00521, writing "Factuur 2026-00560"
    run_demo(tmp_path, monkeypatch)

    result = CliRunner().invoke(app, ["todo", "--as-of", "2026-11-26", "--json"])

    [item] = [i for i in json.loads(result.stdout)["items"] if i["kind"] == "suggested_match"]
    assert (item["customer_id"], item["amount"], item["candidates"]) == ("K0028", "155.19",
                                                                         ["2026-00521", "2026-00560"])
    assert item["command"] == "arctl match BE50737012345618:2026112500001 2026-00521"
