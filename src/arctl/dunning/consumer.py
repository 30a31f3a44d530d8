"""The consumer rules a consumer plan must keep (data: dunning/data/consumer_rules.yaml): the model and its parsing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from arctl.config import DocumentChecker
from arctl.model import Located

CONSUMER_COUNTRIES = ("BE", "NL")   # the countries whose consumer rules arctl knows
_RULE_KEYS = {"says", "source", "confidence", "checked_by", "note"}


@dataclass(frozen=True, slots=True)
class ConsumerRule:
    key: str
    says: str
    source: str
    confidence: str                 # V (legal text), S (secondary sources agree), U (unconfirmed)
    checked_by: str = "plan check"  # or "engine": the rule needs dates or customer data a plan does not have
    values: Mapping[str, str] = field(default_factory=dict)

    @property
    def enforced(self) -> bool:
        """Unconfirmed ([U]) values are kept for the record and never enforced."""
        return self.confidence in ("V", "S") and self.checked_by == "plan check"

    def number(self, name: str) -> int:
        return int(self.values[name])


@dataclass(frozen=True, slots=True)
class ConsumerLaw:
    country: str
    law: str
    rules: Mapping[str, ConsumerRule]


@dataclass(frozen=True, slots=True)
class ConsumerRules:
    laws: Mapping[str, ConsumerLaw]

    def rule(self, country: str, key: str) -> ConsumerRule | None:
        """The rule when it is known and enforced; None otherwise (unconfirmed or left to the engine)."""
        law = self.laws.get(country)
        rule = law.rules.get(key) if law else None
        return rule if rule is not None and rule.enforced else None

    def confirmed(self, country: str, key: str) -> ConsumerRule | None:
        """The rule when it is known and confirmed (V or S), also one the engine applies; None otherwise."""
        law = self.laws.get(country)
        rule = law.rules.get(key) if law else None
        return rule if rule is not None and rule.confidence in ("V", "S") else None

    def law(self, country: str) -> str:
        return self.laws[country].law if country in self.laws else country


def parse_consumer_rules(doc: Located, source: str) -> ConsumerRules:
    """Validate the consumer-rule data file; a broken data file is a ConfigError listing every problem."""
    check = DocumentChecker(source)
    laws: dict[str, ConsumerLaw] = {}
    for country, law_node in check.mapping(doc, "", set(CONSUMER_COUNTRIES)).items():
        data = check.mapping(law_node, country, {"law", "rules"})
        rules: dict[str, ConsumerRule] = {}
        rules_node = data.get("rules")
        for key, rule_node in (rules_node.value.items() if rules_node and isinstance(rules_node.value, dict)
                               else ()):
            path = f"{country}.rules.{key}"
            if not isinstance(rule_node.value, dict):
                check.add(rule_node, path, "expected a mapping with says, source and confidence")
                continue
            fields = {name: node for name, node in rule_node.value.items() if name in _RULE_KEYS}
            values = {name: str(node.value) for name, node in rule_node.value.items()
                      if name not in _RULE_KEYS and isinstance(node.value, str)}
            confidence = check.text(fields, "confidence", f"{path}.confidence")
            if confidence not in ("V", "S", "U"):
                check.add(fields.get("confidence", rule_node), f"{path}.confidence", "expected V, S or U")
            for required in ("says", "source"):
                if not check.text(fields, required, f"{path}.{required}"):
                    check.add(rule_node, f"{path}.{required}", "missing")
            rules[key] = ConsumerRule(key, check.text(fields, "says", ""), check.text(fields, "source", ""),
                                      confidence, check.text(fields, "checked_by", "", "plan check"), values)
        laws[country] = ConsumerLaw(country, check.text(data, "law", f"{country}.law", country), rules)
    check.raise_problems("the consumer-rule data file is broken")
    return ConsumerRules(laws)
