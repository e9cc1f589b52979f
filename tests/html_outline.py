"""A parsed HTML document's outline for the document tests: headings in order, tags with their
attributes, and the visible text (stdlib html.parser; the documents are the project's own)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass
class Outline:
    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # every start tag, in order
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, text)
    text: str = ""

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.outline = Outline()
        self._heading: tuple[int, list[str]] | None = None
        self._skip = 0  # inside <style> or <title>
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.outline.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in HEADINGS:
            self._heading = (int(tag[1]), [])
        if tag in ("style", "title", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HEADINGS and self._heading is not None:
            level, parts = self._heading
            self.outline.headings.append((level, " ".join("".join(parts).split())))
            self._heading = None
        if tag in ("style", "title", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading[1].append(data)
        if not self._skip:
            self._text.append(data)


def outline(html: str) -> Outline:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    parser.outline.text = " ".join(" ".join(parser._text).split())
    return parser.outline
