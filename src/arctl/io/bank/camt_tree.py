"""Finding camt elements by their local names, two ways that give the same answers.

`LocalTree` compares the local name of every child (`{namespace}Name` -> `Name`): it reads any file,
whatever namespaces its elements are in. `NsTree` is for a file whose elements are all in one namespace
(camt_scan.py checks that before the file is parsed): then the local name `Name` is the tag
`{namespace}Name`, and ElementTree's own `find`/`findall`, written in C, look it up without a Python
loop over the children. A path is local names joined with '/'; `find` gives the first element down the
path in document order (the first `B` under any `A` for "A/B"), as ElementTree's `find` does.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


class LocalTree:
    """Local names compared child by child: any file."""

    def children(self, element: Element | None, name: str) -> list[Element]:
        if element is None:
            return []
        return [child for child in element if local(child.tag) == name]

    def findall(self, element: Element | None, path: str) -> list[Element]:
        current = [] if element is None else [element]
        for name in path.split("/"):
            current = [child for parent in current for child in self.children(parent, name)]
        return current

    def find(self, element: Element | None, path: str) -> Element | None:
        found = self.findall(element, path)
        return found[0] if found else None

    def text(self, element: Element | None, path: str) -> str:
        found = self.find(element, path)
        return (found.text or "").strip() if found is not None else ""


class NsTree(LocalTree):
    """Every element in the namespace `uri` ("" for none): the C lookups of ElementTree."""

    def __init__(self, uri: str) -> None:
        self.prefix = f"{{{uri}}}" if uri else ""
        self.paths: dict[str, tuple[str, ...]] = {}

    def steps(self, path: str) -> tuple[str, ...]:
        found = self.paths.get(path)
        if found is None:
            found = self.paths[path] = tuple(self.prefix + name for name in path.split("/"))
        return found

    def children(self, element: Element | None, name: str) -> list[Element]:
        return [] if element is None else element.findall(self.prefix + name)

    def findall(self, element: Element | None, path: str) -> list[Element]:
        current = [] if element is None else [element]
        for tag in self.paths.get(path) or self.steps(path):
            current = [child for parent in current for child in parent.findall(tag)]
        return current

    def find(self, element: Element | None, path: str) -> Element | None:
        if element is None:
            return None
        steps = self.paths.get(path) or self.steps(path)
        return element.find(steps[0]) if len(steps) == 1 else _first(element, steps, 0)

    def text(self, element: Element | None, path: str) -> str:
        if element is None:
            return ""
        steps = self.paths.get(path) or self.steps(path)
        found = element.find(steps[0]) if len(steps) == 1 else _first(element, steps, 0)
        return "" if found is None else (found.text or "").strip()


def _first(element: Element, steps: tuple[str, ...], at: int) -> Element | None:
    """The first element down steps[at:] in document order: under the first match of steps[at] that has
    one (usually the first match itself, looked up without listing the others)."""
    first = element.find(steps[at])
    if first is None:
        return None
    last = at + 1 == len(steps) - 1
    found = first.find(steps[-1]) if last else _first(first, steps, at + 1)
    if found is not None:
        return found
    for child in element.findall(steps[at])[1:]:
        found = child.find(steps[-1]) if last else _first(child, steps, at + 1)
        if found is not None:
            return found
    return None
