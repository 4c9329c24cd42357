"""One extractor for every layout: the page is flattened into text chunks at block and cell
boundaries, and label/value pairs are read from the chunk sequence.

That one pass covers ``th/td`` and ``td/td`` tables (any number of pairs per row), ``li`` rows
with the value in ``<font>``/``<em>`` or bare text, ``dt/dd``, ``h2 + p`` mobile copies, inline
``label：value`` runs (several on one line) and plain text. ``<meta>`` tags, the ``<h1>`` and the
body's opening lines serve as fallbacks. No per-site code.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from lxml import etree, html

from auditor.extract.encoding import decode
from auditor.extract.labels import FIELDS, LABEL_RE, LABELS, clean_label
from auditor.normalize import find_doc_no, iso_date, normalize_doc_no, squash_spaces

BLOCK_TAGS = frozenset(
    "address article aside blockquote body br caption dd details div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol option p pre "
    "section summary table tbody td tfoot th thead title tr ul".split()
)
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "select", "textarea"})
MAX_VALUE = 300

_META_FALLBACKS = {
    "title": ("articletitle",),
    "published": ("pubdate", "firstpublishedtime", "publishdate"),
    "publisher": ("contentsource",),
}


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


_EARLY_CLOSE = re.compile(r"</(?:body|html)\s*>", re.I)


def parse_html(text: str) -> etree._Element:
    """Parse possibly broken HTML into an lxml tree (never raises on content).

    libxml2 drops everything after the first ``</html>``; mirrored pages often close early
    (gov.cn copies do), so those closing tags are removed: the parser closes at the end anyway.
    """
    text = _EARLY_CLOSE.sub("", text)
    for attempt in (text, text.encode("utf-8", "replace")):
        try:
            if isinstance(attempt, bytes):  # e.g. an XML declaration with an encoding inside a str
                return html.document_fromstring(attempt, parser=html.HTMLParser(encoding="utf-8"))
            return html.document_fromstring(attempt)
        except (etree.ParserError, ValueError):
            continue
    return html.document_fromstring("<html><body></body></html>")


def text_chunks(root: etree._Element) -> list[str]:
    """The page's visible text, split at block and table-cell boundaries."""
    chunks: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            text = "".join(buf).strip()
            if text:
                chunks.append(text)
            buf.clear()

    skip_depth = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else None
        if event == "start":
            if skip_depth or tag in SKIP_TAGS:
                skip_depth += 1
                continue
            if tag in BLOCK_TAGS:
                flush()
            if tag and el.text:
                buf.append(el.text)
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth:
                    continue
            elif tag in BLOCK_TAGS:
                flush()
            if el.tail:
                buf.append(el.tail)
    flush()
    return chunks


def _pairs_in_chunk(chunk: str) -> list[tuple[str, str | None]]:
    """Label/value pairs in one chunk. ``None`` as value: the label stands alone.

    A label followed by a colon always counts. Without a colon it counts only as a whole word
    (followed by white space or the chunk's end), and only at the chunk's start or after an
    earlier label — the "索 引 号 003110926/… 信息分类 信息公开制度" lines of older platforms.
    """
    matches: list[re.Match[str]] = []
    for match in LABEL_RE.finditer(chunk):
        if not match["colon"]:
            end = match.end("label")
            whole_word = end == len(chunk) or chunk[end].isspace()
            at_start = not chunk[: match.start()].strip()
            if not whole_word or not (at_start or matches):
                continue
        matches.append(match)
    pairs: list[tuple[str, str | None]] = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(chunk)
        value = chunk[match.end(): end].strip()
        alone = len(matches) == 1 and not value
        pairs.append((clean_label(match["label"]), None if alone else value))
    return pairs


def label_pairs(chunks: list[str]) -> list[tuple[int, str, str]]:
    """All (chunk index, clean label, value) triples in reading order."""
    pairs: list[tuple[int, str, str]] = []
    skip_next = False
    for i, chunk in enumerate(chunks):
        if skip_next:
            skip_next = False
            continue
        if len(chunk) > 2000:
            continue
        for label, value in _pairs_in_chunk(chunk):
            if value is None:
                nxt = chunks[i + 1] if i + 1 < len(chunks) else ""
                if nxt and len(nxt) <= MAX_VALUE and not _pairs_in_chunk(nxt):
                    value, skip_next = nxt, True
                else:
                    value = ""
            if len(value) <= MAX_VALUE:
                pairs.append((i, label, squash_spaces(value)))
    return pairs


def metadata_blocks(pairs: list[tuple[int, str, str]]) -> list[list[tuple[int, str, str]]]:
    """The pairs that form metadata blocks.

    Pairs in nearby chunks form a block; a block naming fewer than two fields is a stray
    match in body text (a form's "名称" cell) and is dropped when a real block exists.
    """
    blocks: list[list[tuple[int, str, str]]] = []
    for pair in pairs:
        if blocks and pair[0] - blocks[-1][-1][0] <= 3:
            blocks[-1].append(pair)
        else:
            blocks.append([pair])

    def fields(block: list[tuple[int, str, str]]) -> int:
        return len({LABELS[label][0] for _, label, _ in block if LABELS.get(label, (None,))[0]})

    real = [block for block in blocks if fields(block) >= 2]
    return real or blocks[:1]


def _meta_tags(root: etree._Element) -> dict[str, str]:
    tags: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = meta.get("content")
        if name and content and name not in tags:
            tags[name] = content.strip()
    return tags


def _title_fallback(root: etree._Element) -> str | None:
    for h1 in root.iter("h1"):
        text = squash_spaces("".join(h1.xpath(".//text()[not(ancestor::script or ancestor::style)]")))
        if 4 <= len(text) <= 200:
            return text
    title = root.find(".//title")
    if title is not None and title.text:
        text = squash_spaces(title.text)
        for sep in ("_", " - ", "|", "－"):
            text = text.split(sep)[0].strip()
        return text or None
    return None


def _take_pair(meta: Metadata, best: dict[str, tuple[int, str]], label: str, value: str) -> None:
    """Record one pair in ``raw``, note a disagreeing copy, and keep the best value per field."""
    known = LABELS.get(label)
    if label not in meta.raw:
        meta.raw[label] = value
    elif meta.raw[label] != value and value:
        if meta.raw[label]:
            meta.conflicts.append({"label": label, "first": meta.raw[label], "second": value})
        else:
            meta.raw[label] = value
    if not known or known[0] is None:
        return
    fieldname, priority = known
    if fieldname not in best or priority < best[fieldname][0]:
        best[fieldname] = (priority, value)


def metadata_from_tree(root: etree._Element, chunks: list[str] | None = None) -> Metadata:
    """Normalised metadata of a parsed page."""
    chunks = text_chunks(root) if chunks is None else chunks
    meta = Metadata()
    best: dict[str, tuple[int, str]] = {}
    for block in metadata_blocks(label_pairs(chunks)):
        for _, label, value in block:
            _take_pair(meta, best, label, value)
    for fieldname, (_, value) in best.items():
        setattr(meta, fieldname, value or None)
    tags = _meta_tags(root)
    for fieldname, names in _META_FALLBACKS.items():
        if getattr(meta, fieldname) is None:
            for name in names:
                if tags.get(name):
                    setattr(meta, fieldname, squash_spaces(tags[name]))
                    break
    if meta.title is None:
        meta.title = _title_fallback(root)
    if meta.doc_no is None and "文号" not in meta.raw and "发文字号" not in meta.raw:
        for chunk in chunks:
            if len(chunk) <= 40:
                found = find_doc_no(chunk)
                if found and len(found) >= len(chunk.replace(" ", "")) - 2:
                    meta.doc_no = found
                    break
    meta.doc_no = normalize_doc_no(meta.doc_no)
    meta.published = iso_date(meta.published)
    meta.written = iso_date(meta.written)
    return meta


def extract_metadata(data: bytes | str, content_type: str | None = None) -> Metadata:
    """Metadata of one page given as bytes (decoded here) or text."""
    text = data if isinstance(data, str) else decode(data, content_type).text
    if "<" not in text[:2000] and "<" not in text[-2000:]:
        # Plain text (a reader-view copy): one chunk per line.
        chunks = [line.strip() for line in text.splitlines() if line.strip()]
        return metadata_from_tree(parse_html("<html></html>"), chunks)
    return metadata_from_tree(parse_html(text))


def extract_page(data: bytes, content_type: str | None = None) -> dict[str, Any]:
    """``auditor extract`` output: the metadata plus how the page was read."""
    decoded = decode(data, content_type)
    result = extract_metadata(decoded.text).to_dict()
    result["encoding"] = decoded.encoding
    result["encoding_guessed"] = decoded.guessed
    return result


__all__ = ["FIELDS", "Metadata", "extract_metadata", "extract_page", "metadata_from_tree",
           "parse_html", "text_chunks"]
