"""A built page as a small tree of elements, to find parts of it by id or class and read
their text and links (the standard library's HTML parser, with no other dependency)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


@dataclass
class Element:
    """One element: its tag, attributes and children (elements and runs of text)."""

    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Its text, as a reader sees it: every run of white space one space."""
        return " ".join(self._text().split())

    def _text(self) -> str:
        return "".join(c if isinstance(c, str) else c._text() for c in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def walk(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.walk()

    def find_all(self, match: Callable[[Element], bool]) -> list[Element]:
        return [e for e in self.walk() if match(e)]

    def by_class(self, name: str) -> list[Element]:
        """The elements with class `name`."""
        return self.find_all(lambda e: name in e.classes())

    def by_id(self, name: str) -> Element:
        """The element with id `name` (which must be there)."""
        found = self.find_all(lambda e: e.attrs.get("id") == name)
        assert len(found) == 1, f"{len(found)} elements with id {name!r}"
        return found[0]

    def by_tag(self, tag: str) -> list[Element]:
        return self.find_all(lambda e: e.tag == tag)

    def links(self) -> list[tuple[str, str]]:
        """(href, text) of each link inside."""
        return [(a.attrs.get("href", ""), a.text) for a in self.by_tag("a")]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.open[-1].children.append(element)
        if tag not in _VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def parse_html(text: str) -> Element:
    """The element tree of a page."""
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root


def meta_tags(page: Element) -> dict[str, list[str]]:
    """The content of each <meta name=…> of a page, by name."""
    tags: dict[str, list[str]] = {}
    for meta in page.by_tag("meta"):
        if "name" in meta.attrs:
            tags.setdefault(meta.attrs["name"], []).append(meta.attrs.get("content", ""))
    return tags
