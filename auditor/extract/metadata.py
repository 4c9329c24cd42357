"""One extractor for every layout: label/value pairs read from the page's visible lines.

A line is a block or table cell (``document.visible_lines``), so one pass covers ``th/td`` and
``td/td`` tables (any number of pairs per row), ``li`` rows with the value in ``<font>``/``<em>``
or bare text, ``dt/dd``, ``h2 + p`` mobile copies, inline ``label：value`` runs (several on one
line) and plain text. The label regex runs once over the whole text; Python work is per match.
``<meta>`` tags, the ``<h1>``/``<title>`` and a 文号 line in the body are fallbacks. No per-site code.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from auditor.extract.document import PageText, inner_text, page_text
from auditor.extract.encoding import decode
from auditor.extract.labels import (
    BOUNDARY,
    FIELDS,
    LABEL_RE,
    LABELS,
    SPACE_CHARS,
    clean_label,
)
from auditor.normalize import (
    DOCNO_BRACKETS,
    DOCNO_PATTERN,
    iso_date,
    normalize_doc_no,
    squash_spaces,
)

MAX_VALUE = 300
MAX_LINE = 2000
BLOCK_GAP = 6  # non-empty lines between two pairs of one block (room for 3 unknown label/value pairs)
_SPACE = f"[{re.escape(SPACE_CHARS)}]"
_NEXT_LINE = re.compile(rf"\n{_SPACE}*(\S[^\n]*)")
_UNKNOWN_LABEL_AT = (r"[^\S\n]*([\u4e00-\u9fff][\u4e00-\u9fff \u3000\u2002]{1,7})[^\S\n]*[:：]"
                     rf"[^\S\n]*([^\n]{{0,{MAX_VALUE}}})")
_UNKNOWN_LABEL = re.compile(_UNKNOWN_LABEL_AT)
_UNKNOWN_LINE = re.compile("\n" + _UNKNOWN_LABEL_AT)  # the literal "\n" lets ``re`` jump from line to line
_DOCNO = re.compile(DOCNO_PATTERN)
_DOCNO_BRACKET = re.compile(DOCNO_BRACKETS)
# No re.IGNORECASE: it would stop ``re`` from skipping ahead to each "<".
# Opening tags end in [^<>]*> (not [^>]*>) and an element is only looked for before its last
# closing tag: otherwise hostile input ("<h1 <h1 <h1 …" with no ">" or no "</h1>") makes every
# attempt scan to the end of the page (quadratic time).
_H1 = re.compile(r"<[hH]1\b[^<>]*>(.*?)</[hH]1\s*>", re.S)
_TITLE = re.compile(r"<[tT][iI][tT][lL][eE]\b[^<>]*>(.*?)</[tT][iI][tT][lL][eE]\s*>", re.S)
_VALUE = r"""(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"""
_META_TAG = re.compile(r"<[mM][eE][tT][aA]\s[^<>]*>")
# attributes follow white space or a quote; a leading class, unlike ``\b``, lets ``re`` skip ahead
_META_NAME = re.compile(rf"[\s\"'](?:name|property)\s*=\s*{_VALUE}")
_META_CONTENT = re.compile(rf"[\s\"']content\s*=\s*{_VALUE}")
# meta tag → field it stands in for when the page shows no label for it (TRS and gov.cn heads)
_META_FALLBACKS = {
    "title": ("articletitle",),
    "published": ("pubdate", "firstpublishedtime", "publishdate"),
    "publisher": ("contentsource",),
    "category": ("columnname",),
}
# meta tags kept in ``raw`` (as "meta:<name>") whenever present: identifiers a report can cite
_META_KEPT = ("ArticleTitle", "PubDate", "ContentSource", "ColumnName", "firstpublishedtime", "manuscriptId")
_META_WANTED = frozenset({name.lower() for name in _META_KEPT}
                         | {name for names in _META_FALLBACKS.values() for name in names})


@dataclass
class Metadata:
    """A document's normalised metadata (the ``auditor extract`` JSON contract)."""

    index_no: str | None = None
    category: str | None = None
    publisher: str | None = None
    subject: str | None = None
    title: str | None = None
    doc_no: str | None = None
    published: str | None = None
    written: str | None = None
    validity: str | None = None
    keywords: str | None = None
    raw: dict[str, str] = field(default_factory=dict)
    conflicts: list[dict[str, str]] = field(default_factory=list)
    text: str = field(default="", repr=False)  # the page's visible lines, for content rules

    def to_dict(self) -> dict[str, Any]:
        """The contract's fields, ``raw`` and ``conflicts`` (copies); without ``text``. Built by
        hand: ``dataclasses.asdict`` costs five times as much, once per crawled document."""
        record: dict[str, Any] = {name: getattr(self, name) for name in FIELDS}
        record["raw"], record["conflicts"] = dict(self.raw), [dict(c) for c in self.conflicts]
        return record


def _accepted(text: str, start: int, end: int, matches: list[re.Match[str]]) -> list[re.Match[str]]:
    """Of the label matches on the line ``text[start:end]``, those that count as labels.

    A label must begin the line or follow white space or punctuation ("的发布日期" is prose).
    Followed by a colon it always counts. Without a colon it counts only as a whole word and
    only at the line's start or after an earlier label — the "索 引 号 003110926/… 信息分类
    信息公开制度" lines of older platforms.
    """
    accepted: list[re.Match[str]] = []
    for match in matches:
        at = match.start()
        if at > start and text[at - 1] not in BOUNDARY:
            continue
        if not match.group(2):  # no colon
            after = match.end(1)
            whole_word = after >= end or text[after].isspace()
            if not whole_word or not (accepted or not text[start:at].strip()):
                continue
        accepted.append(match)
    return accepted


Pair = tuple[int, str, str, int]  # (line number among non-empty lines, clean label, value, line start)


def label_pairs(text: str) -> list[Pair]:
    """All label/value pairs in reading order (see ``Pair``).

    The label regex runs once over the whole text; a label standing alone on its line takes
    the next non-empty line as its value, unless that line holds labels itself.
    """
    matches = list(LABEL_RE.finditer(text))
    starts = [m.start() for m in matches]
    pairs: list[Pair] = []
    lineno, previous_end, taken_to = -1, 0, -1
    i, count, length = 0, len(matches), len(text)
    while i < count:
        at = starts[i]
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        if end < 0:
            end = length
        j = i + 1 if i + 1 == count or starts[i + 1] >= end else bisect_left(starts, end, i)
        group, i = matches[i:j], j
        if start <= taken_to or end - start > MAX_LINE:
            continue  # read already, or served as the previous label's value
        lineno += text.count("\n", previous_end, start)  # no blank lines (``page_text``)
        previous_end = taken_to = end
        accepted = _accepted(text, start, end, group)
        last = len(accepted) - 1
        for k, match in enumerate(accepted):
            value = text[match.end():accepted[k + 1].start() if k < last else end].strip()
            if not value and last == 0:
                following = _NEXT_LINE.match(text, end)
                if following:
                    line_end = following.end()
                    candidate = following.group(1).strip()
                    if len(candidate) <= MAX_VALUE and not _accepted(
                            text, following.start(1), line_end, matches[i:bisect_left(starts, line_end, i)]):
                        value, taken_to = candidate, line_end
                        previous_end = line_end  # a value line is part of its pair, not a gap
            if len(value) <= MAX_VALUE:
                pairs.append((lineno, clean_label(match.group(1)), squash_spaces(value), start))
    return pairs


def metadata_blocks(pairs: list[Pair]) -> list[list[Pair]]:
    """The pairs that form metadata blocks.

    Pairs on nearby lines form a block; a block naming fewer than two fields is a stray match
    in body text (a form's "名称" cell) and is dropped when a real block exists.
    """
    blocks: list[list[Pair]] = []
    for pair in pairs:
        if blocks and pair[0] - blocks[-1][-1][0] <= BLOCK_GAP:
            blocks[-1].append(pair)
        else:
            blocks.append([pair])

    def fields(block: list[Pair]) -> int:
        return len({LABELS[label][0] for _, label, _, _ in block if LABELS[label][0]})

    real = [block for block in blocks if fields(block) >= 2]
    return real or [block for block in blocks[:1] if fields(block)]


def _unknown_labels(text: str, start: int, last_line: int, raw: dict[str, str]) -> None:
    """Labels the table does not know, inside a metadata block, kept in ``raw`` as shown
    (``公开属性：主动公开``): between a block's first and last known label, a short heading with a
    colon is a label. One after the last known label is not taken: in the text view it cannot be
    told from a heading in the body (``正文：``)."""
    end = text.find("\n", last_line)
    end = len(text) if end < 0 else end
    first = _UNKNOWN_LABEL.match(text, 0, end) if start == 0 else None
    for match in ([first] if first else []) + list(_UNKNOWN_LINE.finditer(text, max(start - 1, 0), end)):
        label = clean_label(match.group(1))
        if label in LABELS or label in raw:
            continue
        value = match.group(2).strip()
        if not value:
            following = _NEXT_LINE.match(text, match.end())
            candidate = following.group(1).strip() if following else ""
            if not _UNKNOWN_LABEL.match(candidate) and not LABEL_RE.match(candidate):
                value = candidate
        raw[label] = squash_spaces(value)


def _take_pair(meta: Metadata, best: dict[str, tuple[int, str]], label: str, value: str) -> None:
    """Record one pair in ``raw``, note a disagreeing copy, and keep the best value per field:
    a non-empty value beats an empty one, then the label's priority decides."""
    if label not in meta.raw or not meta.raw[label]:
        meta.raw[label] = value
    elif value and meta.raw[label] != value:
        meta.conflicts.append({"label": label, "first": meta.raw[label], "second": value})
    fieldname, priority = LABELS[label]
    if fieldname is None:
        return
    rank = priority if value else 100 + priority
    if fieldname not in best or rank < best[fieldname][0]:
        best[fieldname] = (rank, value)


def _attribute(pattern: re.Pattern[str], tag: str, lowered: str) -> str | None:
    """An attribute's value in ``tag``, found in its lower-cased copy (same length)."""
    match = pattern.search(lowered)
    if match is None:
        return None
    group = match.lastindex  # the one alternative of _VALUE that matched
    return tag[match.start(group):match.end(group)].strip()


def meta_tags(markup: str, names: frozenset[str]) -> dict[str, str]:
    """``<meta name=… content=…>`` values for the lower-cased ``names`` (first one wins), in
    either attribute order. Each tag is found by a plain pattern and read in lower case: one
    case-insensitive pattern over the whole head costs several times more."""
    tags: dict[str, str] = {}
    for tag in _META_TAG.findall(markup):
        lowered = tag.lower()
        if len(lowered) != len(tag):  # a rare character changes length when lowered
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in tag)
        name = _attribute(_META_NAME, lowered, lowered)
        if name not in names or name in tags:
            continue
        content = _attribute(_META_CONTENT, tag, lowered)
        if content:
            tags[name] = content
    return tags


def _before_last(markup: str, closing: str) -> int:
    """Where the last ``closing`` tag (any of its three spellings) ends, 0 if there is none."""
    at = max(markup.rfind(spelling) for spelling in (closing, closing.upper(), closing.title()))
    return 0 if at < 0 else len(markup) if (end := markup.find(">", at)) < 0 else end + 1


def _title_fallback(page: PageText) -> str | None:
    for match in _H1.finditer(page.body, 0, _before_last(page.body, "</h1")):
        text = squash_spaces(inner_text(match.group(1)))
        if 4 <= len(text) <= 200:
            return text
    match = _TITLE.search(page.head, 0, _before_last(page.head, "</title"))
    if match:
        text = squash_spaces(inner_text(match.group(1)))
        for sep in ("_", " - ", "|", "－"):
            text = text.split(sep)[0].strip()
        return text or None
    return None


def _doc_no_line(text: str) -> str | None:
    """The first line that is nothing but a 文号 (how bodies without a metadata table show it).
    Anchored on the bracket, so prose is not scanned character by character."""
    for bracket in _DOCNO_BRACKET.finditer(text):
        start = text.rfind("\n", 0, bracket.start()) + 1
        end = text.find("\n", bracket.end())
        line = text[start: len(text) if end < 0 else end].strip()
        if len(line) <= 60 and _DOCNO.fullmatch(line):
            return line
    return None


def extract_metadata(data: bytes | str, content_type: str | None = None) -> Metadata:
    """Metadata of one page given as bytes (decoded here) or text (HTML or plain)."""
    markup = data if isinstance(data, str) else decode(data, content_type).text
    page = page_text(markup)
    text = page.lines
    meta = Metadata()
    best: dict[str, tuple[int, str]] = {}
    for block in metadata_blocks(label_pairs(text)):
        for _, label, value, _ in block:
            _take_pair(meta, best, label, value)
        _unknown_labels(text, block[0][3], block[-1][3], meta.raw)
    for fieldname, (_, value) in best.items():
        setattr(meta, fieldname, value or None)

    if page.head or page.body:
        missing = [f for f in _META_FALLBACKS if getattr(meta, f) is None]
        if missing or any(name in page.head for name in _META_KEPT):
            tags = meta_tags(page.head, _META_WANTED)
            for name in _META_KEPT:
                if tags.get(name.lower()):
                    meta.raw[f"meta:{name}"] = tags[name.lower()]
            for fieldname in missing:
                value = next((tags[n] for n in _META_FALLBACKS[fieldname] if tags.get(n)), None)
                if value:
                    setattr(meta, fieldname, squash_spaces(value))
        if meta.title is None:
            meta.title = _title_fallback(page)
    if "doc_no" not in best:  # no 文号 label at all ("文号：" left empty means none was given)
        meta.doc_no = _doc_no_line(text)
    meta.doc_no = normalize_doc_no(meta.doc_no)
    meta.published = iso_date(meta.published)
    meta.written = iso_date(meta.written)
    meta.text = text
    return meta


def extract_page(data: bytes, content_type: str | None = None) -> dict[str, Any]:
    """``auditor extract`` output: the metadata plus how the page was read."""
    decoded = decode(data, content_type)
    result = extract_metadata(decoded.text).to_dict()
    result["encoding"] = decoded.encoding
    result["encoding_guessed"] = decoded.guessed
    return result


__all__ = ["FIELDS", "Metadata", "extract_metadata", "extract_page", "label_pairs", "meta_tags"]
