"""Two views of an HTML page: an lxml tree (for lists and links) and its visible text as lines
(for metadata).

The text view is made with two passes over the HTML, not by walking the tree: block and
table-cell boundaries become line breaks, then comments, scripts, styles and form widgets vanish
with their content and every other tag vanishes alone (so ``标<span>&nbsp;&nbsp;</span>题：``
stays one label). The passes are defined below as two regular expressions; ``_textview.c`` walks
them in C, four times faster, with the same result (``tests/test_textview.py``), which makes
extracting metadata quicker than lxml's bare parse of the same page.
"""

from __future__ import annotations

import html as html_entities
import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

try:
    from auditor.extract import _textview
except ImportError:  # built without a C compiler: the regular expressions below do the same
    _textview = None

# Most frequent first: ``re`` tries the alternatives in order.
BLOCK_TAGS = ("div li p td th tr ul table tbody h1 h2 h3 h4 h5 h6 br dd dt dl ol form body html title hr "
              "address article aside blockquote caption details fieldset figcaption figure footer header "
              "legend main nav option pre section summary tfoot thead").split()
NOISE_TAGS = ("script", "style", "noscript", "template", "select", "textarea")
ENTITIES = (("&nbsp;", "\u00a0"), ("&ensp;", "\u2002"), ("&emsp;", "\u2003"), ("&amp;", "&"),
            ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'))


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


def _tag_spellings(names: list[str]) -> str:
    """Tag names in the three spellings pages use (``div``, ``DIV``, ``Div``) as literals grouped
    by first character, in the order given: ``re`` tells the branches apart by their first
    character, several times faster than ``re.IGNORECASE`` or character classes. A missed odd
    spelling only joins two lines."""
    spelt = dict.fromkeys([*names, *(n.upper() for n in names), *(n.capitalize() for n in names)])
    groups: dict[str, list[str]] = {}
    for name in spelt:
        groups.setdefault(name[0], []).append(name[1:])
    parts = []
    for first, rests in groups.items():
        inner = "|".join(sorted((r for r in rests if r), key=len, reverse=True))
        optional = "?" if "" in rests else ""
        parts.append(f"{first}(?:{inner}){optional}" if inner else first)
    return "|".join(parts)


def _element(name: str) -> str:
    """A noise element to its closing tag (or the end of the page), in any case. The unrolled
    loop ``[^<]*(?:<(?!/name)[^<]*)*`` runs at C speed; a lazy ``.*?`` would try the closing
    tag at every character."""
    return rf"{_any_case(name)}\b[^<]*(?:<(?!/{_any_case(name)})[^<]*)*(?:</{_any_case(name)}[^>]*>?|$)"


_BLOCK = re.compile(rf"</?(?:{_tag_spellings(BLOCK_TAGS)})\b[^>]*>")
# Left to right, so a "<script" inside an attribute value is part of its tag, as in a browser.
_NOISE_OR_TAG = re.compile("<(?:!--[^-]*(?:-(?!->)[^-]*)*(?:-->|$)|"
                           + "|".join(_element(name) for name in NOISE_TAGS) + "|[A-Za-z/!?][^>]*>)")
# Opened after the page's last ">", where no tag can close (see _before_opening).
_NOISE_OPEN = re.compile("<(?:!--|" + "|".join(rf"{_any_case(name)}\b" for name in NOISE_TAGS) + ")")
_NOISE_NAME = re.compile("<(" + "|".join(_any_case(name) for name in NOISE_TAGS) + r")\b")
_NOISE_CLOSE = {name: re.compile(f"</{_any_case(name)}") for name in NOISE_TAGS}
_BODY = re.compile(r"<[bB][oO][dD][yY]\b")
_BLANK_LINES = re.compile(r"\n\s*\n")
_EARLY_CLOSE = re.compile(rf"</(?:{_any_case('body')}|{_any_case('html')})\s*>")  # not re.I: a quarter faster


def is_markup(text: str) -> bool:
    """HTML rather than plain text (a reader-view copy of a page is plain text)."""
    return "<" in text[:2000] or "<" in text[-2000:]


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
    the body's markup (on one line), ``lines`` its visible text, one line per block or cell,
    blank lines dropped (so that counting lines is counting line breaks)."""

    head: str
    body: str
    lines: str


def page_text(markup: str) -> PageText:
    """Split a page (HTML or plain text) into head, clean body markup and visible lines."""
    if not is_markup(markup):
        return PageText("", "", _BLANK_LINES.sub("\n", markup))
    body_at = _BODY.search(markup)
    head = markup[: body_at.start()] if body_at else markup  # a fragment: look everywhere
    body = markup[body_at.start() if body_at else 0:].replace("\r", " ").replace("\n", " ")
    return PageText(head, body, _BLANK_LINES.sub("\n", unescape(_strip_tags(body))))


def _strip_tags(markup: str, lines: bool = True) -> str:
    """``markup`` with block tags as line breaks (if ``lines``) and every other tag, comment and
    noise element removed (entities still encoded).

    The tag patterns end in ``[^>]*>``, so after the page's last ``>`` none can match, and
    letting ``re`` try there costs quadratic time on hostile input (``<a <a <a …`` without a
    ``>``: each attempt scans to the end). That tail is handled apart."""
    last = markup.rfind(">") + 1
    tail = _before_opening(markup[last:])
    if _textview is not None:
        return _textview.strip_tags(markup, last, lines) + tail
    return _strip_tags_re(markup[:last], lines) + tail


def _before_opening(tail: str) -> str:
    """Text after the last ``>``: no tag can close there, so a comment or noise element opened
    in it runs to the end (as in a browser); cut at the first such opening."""
    opened = _NOISE_OPEN.search(tail)
    return tail[:opened.start()] if opened else tail


def _strip_tags_re(markup: str, lines: bool) -> str:
    """The two passes as regular expressions: the reference the C module (``_textview.c``,
    four times faster) is tested against, and what runs where it could not be compiled.

    Equal to ``_NOISE_OR_TAG.sub("", kept)``, but the block pass can turn the last ``>`` into a
    line break, leaving openings after the new last ``>`` that would each rescan to the end; so
    that part is handled apart here too: it is dropped when the last match before it is a
    comment or noise element left open (it runs to the end), else cut at its first opening."""
    kept = _BLOCK.sub("\n", markup) if lines else markup
    last = kept.rfind(">") + 1
    head, tail = kept[:last], kept[last:]
    pieces, at, final = [], 0, None
    for final in _NOISE_OR_TAG.finditer(head):
        pieces.append(head[at:final.start()])
        at = final.end()
    pieces.append(head[at:])
    if final is not None and final.end() == last and _left_open(final.group()):
        return "".join(pieces)
    return "".join(pieces) + _before_opening(tail)


def _left_open(matched: str) -> bool:
    """A comment or noise element that ran to the end of the text without its closing."""
    if matched.startswith("<!--"):
        return matched.find("-->", 4) < 0
    name = _NOISE_NAME.match(matched)
    return name is not None and _NOISE_CLOSE[name.group(1).lower()].search(matched, name.end()) is None


def visible_text(lines: str, limit: int = 100_000) -> str:
    """Text as stored for content rules: stripped non-empty lines, white space squashed."""
    kept = (" ".join(line.split()) for line in lines.split("\n"))
    return "\n".join(line for line in kept if line)[:limit]


def inner_text(fragment: str) -> str:
    """The text of an HTML fragment: tags, comments and scripts removed, entities decoded."""
    return unescape(_strip_tags(fragment, lines=False))


def parse_html(text: str) -> etree._Element:
    """Parse possibly broken HTML into an lxml tree (never raises on content).

    libxml2 drops everything after the first ``</html>``; mirrored pages often close early
    (gov.cn copies do), so those closing tags are removed: the parser closes at the end anyway.
    The text is handed to libxml2 as UTF-8 bytes (a declared charset inside is then ignored):
    a third faster than parsing the ``str``, the same tree.
    """
    try:
        root = etree.fromstring(_EARLY_CLOSE.sub("", text).encode("utf-8", "replace"), _UTF8_PARSER)
    except (etree.LxmlError, ValueError):
        root = None
    return root if root is not None else lxml_html.document_fromstring("<html><body></body></html>")


_UTF8_PARSER = lxml_html.HTMLParser(encoding="utf-8")
