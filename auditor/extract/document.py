"""Two views of an HTML page: an lxml tree (for lists and links) and its visible text as lines
(for metadata).

The text view is made with three C-level regular-expression passes over the HTML, not by walking
the tree: block and table-cell boundaries become line breaks, inline tags vanish (so
``标<span>&nbsp;&nbsp;</span>题：`` stays one label), and script, style and comments are dropped.
That keeps metadata extraction within a small factor of the time lxml needs just to parse.
"""

from __future__ import annotations

import html as html_entities
import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

BLOCK_TAGS = ("address article aside blockquote body br caption dd details div dl dt fieldset figcaption "
              "figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol option p pre "
              "section summary table tbody td tfoot th thead title tr ul").split()
ENTITIES = (("&nbsp;", "\u00a0"), ("&ensp;", "\u2002"), ("&emsp;", "\u2003"), ("&amp;", "&"),
            ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'))


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


def _grouped(names: list[str], spell=lambda rest: rest) -> str:
    """``names`` as an alternation grouped by first character, each group's tails spelt by ``spell``."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name[0], []).append(name[1:])
    parts = []
    for first, rests in sorted(groups.items()):
        inner = "|".join(spell(r) for r in sorted(rests, key=len, reverse=True) if r)
        optional = "?" if "" in rests else ""
        parts.append(f"{spell(first)}(?:{inner}){optional}" if inner else spell(first))
    return "|".join(parts)


def _tag_alternation(names: list[str]) -> str:
    """Tag names matched in any case, as character classes: about twice as fast as
    ``re.IGNORECASE`` over a long alternation. Used where a missed tag would leak text
    (scripts into the text view)."""
    return _grouped(names, _any_case)


def _tag_spellings(names: list[str]) -> str:
    """Tag names in the three spellings pages use (``div``, ``DIV``, ``Div``), as literals:
    ``re`` then tells the branches apart by their first character, a quarter faster again than
    character classes. Used for block tags, where a missed odd spelling only joins two lines."""
    return _grouped(sorted({v for n in names for v in (n, n.upper(), n.capitalize())}))


_NOISE_OPEN = re.compile(rf"<!--|<({_tag_alternation(['script', 'style', 'noscript', 'template', 'select', 'textarea'])})\b")
_BLOCK = re.compile(rf"</?(?:{_tag_spellings(BLOCK_TAGS)})\b[^>]*>")
_TAG = re.compile(r"<[A-Za-z/!?][^>]*>")
_BODY = re.compile(r"<[bB][oO][dD][yY]\b")
_EARLY_CLOSE = re.compile(r"</(?:body|html)\s*>", re.I)


def is_markup(text: str) -> bool:
    """HTML rather than plain text (a reader-view copy of a page is plain text)."""
    return "<" in text[:2000] or "<" in text[-2000:]


def _close(markup: str, name: str, start: int) -> int:
    """Where the element ``name`` opened before ``start`` ends (the end of the page if never)."""
    for variant in dict.fromkeys((name, name.lower(), name.upper())):
        at = markup.find("</" + variant, start)
        if at >= 0:
            end = markup.find(">", at)
            return len(markup) if end < 0 else end + 1
    return len(markup)


def strip_noise(markup: str) -> str:
    """The HTML without comments, scripts, styles and form widgets.

    The opening tag is found by a regular expression and the end by ``str.find``: a lazy
    ``.*?`` would test every character of every script.
    """
    parts: list[str] = []
    position = 0
    for opening in _NOISE_OPEN.finditer(markup):
        if opening.start() < position:
            continue  # inside a part already dropped
        if opening.group(1):
            end = _close(markup, opening.group(1), opening.end())
        else:
            end = markup.find("-->", opening.end())
            end = len(markup) if end < 0 else end + 3
        parts.append(markup[position:opening.start()])
        position = end
    if not parts:
        return markup
    parts.append(markup[position:])
    return " ".join(parts)


def unescape(text: str) -> str:
    """Decode entities; the common ones by plain replacement, which is much cheaper."""
    if "&" not in text:
        return text
    for entity, char in ENTITIES:
        if entity in text:
            text = text.replace(entity, char)
    return html_entities.unescape(text) if "&" in text else text


@dataclass(frozen=True)
class PageText:
    """A page split once for every reader: ``head`` holds the title and meta tags, ``body``
    the body's markup without noise, ``lines`` its visible text, one line per block or cell
    (many lines may be blank)."""

    head: str
    body: str
    lines: str


def page_text(markup: str) -> PageText:
    """Split a page (HTML or plain text) into head, clean body markup and visible lines."""
    if not is_markup(markup):
        return PageText("", "", markup)
    body_at = _BODY.search(markup)
    head = markup[: body_at.start()] if body_at else markup  # a fragment: look everywhere
    body = strip_noise(markup[body_at.start() if body_at else 0:].replace("\r", " ").replace("\n", " "))
    return PageText(head, body, unescape(_TAG.sub("", _BLOCK.sub("\n", body))))


def visible_text(lines: str, limit: int = 100_000) -> str:
    """Text as stored for content rules: stripped non-empty lines, white space squashed."""
    kept = (" ".join(line.split()) for line in lines.split("\n"))
    return "\n".join(line for line in kept if line)[:limit]


def inner_text(fragment: str) -> str:
    """The text of an HTML fragment, tags removed and entities decoded."""
    return unescape(_TAG.sub("", fragment))


def parse_html(text: str) -> etree._Element:
    """Parse possibly broken HTML into an lxml tree (never raises on content).

    libxml2 drops everything after the first ``</html>``; mirrored pages often close early
    (gov.cn copies do), so those closing tags are removed: the parser closes at the end anyway.
    """
    text = _EARLY_CLOSE.sub("", text)
    for attempt in (text, text.encode("utf-8", "replace")):
        try:
            if isinstance(attempt, bytes):  # e.g. an XML declaration with an encoding inside a str
                return lxml_html.document_fromstring(attempt, parser=lxml_html.HTMLParser(encoding="utf-8"))
            return lxml_html.document_fromstring(attempt)
        except (etree.ParserError, ValueError):
            continue
    return lxml_html.document_fromstring("<html><body></body></html>")
