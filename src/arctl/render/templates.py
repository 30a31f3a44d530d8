"""Finding and rendering dunning templates: the workspace's templates/ over the shipped ones, file by file,
through Jinja's sandbox, in the customer's language.

A document named `NAME` (the plan step's `template:`) in language `LANG` is
`dunning/LANG/NAME.txt.j2` (the plain-text e-mail) and `dunning/LANG/NAME.html.j2` (the letter, and the
HTML part of an e-mail); its subject is the key NAME of `dunning/LANG/subjects.yaml` (a Jinja line with
the same fields). The language is the customer's (Party.language) where the template exists in it, else
the language of the company's `locale`, else English. Adding a language is adding a folder of files.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    select_autoescape,
)
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup

from arctl.errors import ConfigError
from arctl.render.filters import FILTERS
from arctl.text import document_text

_PACKAGE = Path(__file__).resolve().parent.parent
FALLBACK_LANGUAGE = "en"
FORMATS = ("txt", "html")
HINT = "fix the template in the workspace's templates/ folder (README: Templates)"


def shipped_templates_dir() -> Path:
    installed = _PACKAGE / "data" / "templates"
    return installed if installed.is_dir() else _PACKAGE.parents[1] / "templates"


class _CompiledInThisProcess(BytecodeCache):
    """Templates compiled once per process, whatever the number of environments: Jinja keys a compiled template
    by its name and file and checks it against the source's checksum, so an edited file is compiled anew. Only
    DunningEnvironment uses it, whose settings (the sandbox, autoescape) are the same in every instance and go
    into the compiled code."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Any) -> None:
        if (code := self._compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Any) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledInThisProcess()


def _printable(value: Any) -> Any:
    """Every value a template prints: a text without control characters or bidirectional overrides (markup that
    arctl's own filters made is left as it is)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return document_text(value)
    return value


class DunningEnvironment(SandboxedEnvironment):
    """The sandboxed environment of one workspace: its folders, in the order a file is looked up."""

    def __init__(self, folders: tuple[Path, ...]) -> None:
        # "html.j2": the templates are named letter.html.j2; "html" alone matches only names ending in .html
        super().__init__(loader=ChoiceLoader([FileSystemLoader(str(p)) for p in folders]), undefined=StrictUndefined,
                         autoescape=select_autoescape(["html", "htm", "xml", "html.j2", "htm.j2", "xml.j2"],
                                                      default_for_string=False),
                         keep_trailing_newline=True, auto_reload=False, bytecode_cache=_COMPILED,
                         finalize=_printable)
        self.folders = folders
        self.filters.update(FILTERS)
        self._subjects: dict[str, dict[str, str]] = {}
        self._subject_templates: dict[tuple[str, str], Template] = {}

    def getattr(self, obj: Any, attribute: str) -> Any:
        """A field of one of arctl's dataclasses (a document, a party, an invoice line ...) is plain data: read
        it without the sandbox's checks of the value, which cost more than the rest of a letter's rendering.
        Anything else goes through the sandbox."""
        fields = _DATA_FIELDS.get(type(obj))
        if fields is None:
            fields = _DATA_FIELDS[type(obj)] = _data_fields(type(obj))
        if attribute in fields:
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(self.list_templates())

    def has(self, name: str) -> bool:
        return name in self.names

    def languages(self) -> tuple[str, ...]:
        """The languages some template is written in (the folders under dunning/)."""
        return tuple(sorted({name.split("/")[1] for name in self.names
                             if name.startswith("dunning/") and name.count("/") == 2}))

    def subjects(self, language: str) -> dict[str, str]:
        """The subject lines of one language: the shipped file's, each overridden by the workspace's (read once)."""
        if language not in self._subjects:
            self._subjects[language] = self._read_subjects(language)
        return self._subjects[language]

    def subject_template(self, language: str, template: str) -> Template | None:
        key = (language, template)
        if key not in self._subject_templates:
            line = self.subjects(language).get(template)
            if line is None:
                return None
            self._subject_templates[key] = self.from_string(line)
        return self._subject_templates[key]

    def _read_subjects(self, language: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for folder in reversed(self.folders):
            path = folder / "dunning" / language / "subjects.yaml"
            if path.is_file():
                try:
                    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                except yaml.YAMLError as exc:
                    raise ConfigError(f"{path}: not valid YAML: {exc}", hint=HINT) from exc
                if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
                    raise ConfigError(f"{path}: expected lines `template-name: subject text`", hint=HINT)
                found.update({str(key): value for key, value in data.items()})
        return found


_DATA_FIELDS: dict[type, frozenset[str]] = {}


def _data_fields(kind: type) -> frozenset[str]:
    """The field names of an arctl dataclass; none for any other type."""
    from dataclasses import fields, is_dataclass

    if not is_dataclass(kind) or not kind.__module__.startswith("arctl."):
        return frozenset()
    return frozenset(field.name for field in fields(kind) if not field.name.startswith("_"))


def environment(workspace_templates: Path | None) -> DunningEnvironment:
    folders = tuple(p for p in (workspace_templates, shipped_templates_dir()) if p is not None and p.is_dir())
    return DunningEnvironment(folders)


def file_name(language: str, template: str, form: str) -> str:
    return f"dunning/{language}/{template}.{form}.j2"


def language_for(env: DunningEnvironment, template: str, wanted: tuple[str, ...], form: str | None = None) -> str:
    """The first of `wanted` (the customer's language, the company's) the template is written in, else
    English; where it exists in none of them, the first of `wanted` (rendering then names what is missing)."""
    forms = (form,) if form else FORMATS
    for language in (*wanted, FALLBACK_LANGUAGE):
        if language and any(env.has(file_name(language, template, f)) for f in forms):
            return language
    return next((language for language in wanted if language), FALLBACK_LANGUAGE)


def render(env: DunningEnvironment, name: str, context: dict[str, Any]) -> str:
    """One template file with `context`; a missing field or a template error names the template."""
    try:
        return env.get_template(name).render(**context)
    except TemplateNotFound as exc:
        raise ConfigError(f"template {name} not found (looked in {', '.join(map(str, env.folders))})",
                          hint="name a shipped template in the plan, or add the file to the workspace's "
                               "templates/") from exc
    except SecurityError as exc:
        raise ConfigError(f"template {name}: refused by the sandbox: {exc}", hint=HINT) from exc
    except TemplateError as exc:
        raise ConfigError(f"template {name}: {exc}", hint=HINT) from exc


def subject(env: DunningEnvironment, language: str, template: str, context: dict[str, Any], default: str) -> str:
    try:
        compiled = env.subject_template(language, template)
        if compiled is None:
            return default
        text = compiled.render(**context)
    except SecurityError as exc:
        raise ConfigError(f"subject {template} of dunning/{language}/subjects.yaml: refused by the sandbox: {exc}",
                          hint=HINT) from exc
    except TemplateError as exc:
        raise ConfigError(f"subject {template} of dunning/{language}/subjects.yaml: {exc}", hint=HINT) from exc
    return " ".join(text.split())


def document_locale(language: str, company_locale: str) -> str:
    """The locale a customer's amounts and dates are written in: the company's when the customer has its
    language (or none), else the language in the company's country where Babel knows it (fr_BE), else
    the language alone."""
    from babel import localedata

    company_language, _, territory = company_locale.replace("-", "_").partition("_")
    if not language or language == company_language.lower():
        return company_locale
    candidate = f"{language}_{territory}" if territory else language
    return candidate if localedata.exists(candidate) else (language if localedata.exists(language) else "en")


def language_code(text: str) -> str:
    """'nl-BE', 'NL', 'nl_be' -> 'nl'; '' when none."""
    return text.strip().replace("_", "-").split("-")[0].lower()[:3]


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    template: str
    message: str


def default_template(kind: str, channel: str) -> str:
    """The template a step without `template:` uses."""
    if kind in ("statement", "installment"):
        return kind
    return {"agency": "handover", "registered_letter": "demand"}.get(channel, "reminder")
