"""Load YAML safely, keeping every scalar as text and the line each value came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from arctl.errors import ConfigError
from arctl.model import Located


class _TextLoader(yaml.SafeLoader):
    """A safe loader that resolves no implicit types: `25.00` stays the text '25.00', never a float."""


_TextLoader.yaml_implicit_resolvers = {}

# libyaml's parser, where PyYAML was built with it, reads the profiles and plans about 10x faster; the nodes are
# the same (a plain scalar's style is '' there, None in the pure-Python parser); a file it refuses is parsed again
# by the pure-Python parser, so that the message about it stays the same.
_FastLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):
    class _CTextLoader(yaml.CSafeLoader):
        pass

    _CTextLoader.yaml_implicit_resolvers = {}
    _FastLoader = _CTextLoader


def _located(node: yaml.Node, loader) -> Located:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Located] = {}
        for key_node, value_node in node.value:
            key = loader.construct_scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            if key in result:
                raise ConfigError(f"line {key_node.start_mark.line + 1}: {key!r} appears twice")
            result[str(key)] = _located(value_node, loader)
        return Located(result, line)
    if isinstance(node, yaml.SequenceNode):
        return Located([_located(item, loader) for item in node.value], line)
    assert isinstance(node, yaml.ScalarNode)  # the only other kind of node
    text = loader.construct_scalar(node)
    if not node.style and text in ("", "~", "null", "Null", "NULL"):
        return Located(None, line)
    return Located(text, line)


def load_located(path: Path) -> Located:
    """Parse `path` into nested Located values (dicts, lists, strings, None)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text", hint="save the file as UTF-8") from exc
    if _FastLoader is not None:
        fast = _FastLoader(text)
        try:
            return _document(fast.get_single_node(), fast)
        except yaml.YAMLError:
            pass  # said by the pure-Python parser below, in its words
        finally:
            fast.dispose()
    loader = _TextLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}{where}: not valid YAML: {problem}") from exc
    finally:
        loader.dispose()
    return _document(node, loader)


def _document(node: yaml.Node | None, loader) -> Located:
    if node is None:
        return Located({}, 1)
    return _located(node, loader)


def plain(located: Located | None) -> Any:
    """Strip the line numbers: nested dicts, lists and strings."""
    if located is None:
        return None
    value = located.value
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
