"""What the rules see of one bureau in one run, read once from the store.

Rules are pure functions of this context: they never touch the network or the store.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from auditor.blocking import failure, turned_away
from auditor.extract.labels import LABELS
from auditor.normalize import parse_index_no
from auditor.store import Store

_FIELD_LABELS: dict[str, list[str]] = {}
for _label, (_name, _) in LABELS.items():
    if _name:
        _FIELD_LABELS.setdefault(_name, []).append(_label)
_JSON_KEYS = {name: [f'"{label}":' for label in labels] for name, labels in _FIELD_LABELS.items()}


@dataclass
class Document:
    url: str
    title: str | None
    index_no: str | None
    doc_no: str | None
    published: str | None
    written: str | None
    publisher: str | None
    validity: str | None
    fetched_at: str | None
    columns: list[str] = field(default_factory=list)  # names of the columns that list it
    list_title: str | None = None
    list_date: str | None = None
    category: str | None = None
    subject: str | None = None
    raw: dict[str, str] | str = field(default_factory=dict)  # label → value as shown (or its JSON, read lazily)
    text: str = ""  # the document's own text (its content area)
    attachments: list[dict[str, Any]] = field(default_factory=list)  # {url, text, reason}
    profile: str = "generic"  # the CMS profile the page was read with

    @property
    def display_title(self) -> str:
        return self.title or self.list_title or self.url

    @cached_property
    def labels(self) -> dict[str, str]:
        """``raw`` as a mapping; parsed on first use (most rules never need it)."""
        return json.loads(self.raw or "{}") if isinstance(self.raw, str) else self.raw

    def shows(self, name: str) -> bool:
        """Whether the page shows a label of field ``name`` (even with an empty value: ``文号：``).
        Read from the stored JSON by looking for the label as a key, without parsing it."""
        if isinstance(self.raw, str):
            return any(key in self.raw for key in _JSON_KEYS[name])
        return any(label in self.raw for label in _FIELD_LABELS[name])

    @property
    def full_text(self) -> str:
        """The page's text followed by the text of every readable attachment."""
        return "\n".join([self.text, *(a["text"] for a in self.attachments if a["text"])])

    @property
    def unreadable(self) -> list[dict[str, Any]]:
        return [a for a in self.attachments if not a["text"]]

    def ref(self) -> dict[str, str]:
        return {"title": self.display_title, "url": self.url}


@dataclass
class Column:
    url: str
    name: str
    items: int
    complete: bool
    newest: dt.date | None = None  # the newest item's date on its list
    undated: int = 0  # items listed without any date


class ListEntry(NamedTuple):  # a tuple: a bureau has thousands
    url: str
    title: str
    date: str | None
    column: str


@dataclass
class BureauContext:
    bureau: dict[str, Any]  # the registry record of the bureau
    audit_date: dt.date
    start: dict[str, Any] | None  # the start page row
    documents: list[Document]
    columns: list[Column]
    entries: list[ListEntry]
    pages: dict[str, dict[str, Any]]  # url → page row (status, error, fetched_at); detail pages read fine are
    # not here (they are the documents): a million of them would double the reading
    links: list[dict[str, Any]]  # from_url, to_url, text, kind
    profiles_dir: str | None = None  # the registry's extra CMS profiles
    limits: dict[str, int] = field(default_factory=dict)  # budgets/caps the crawl hit (requests not sent)
    selections: dict[tuple[str | None, ...], list[Document]] = field(default_factory=dict)  # see kinds._selected

    @cached_property
    def common_index_prefix(self) -> str | None:
        """The 索引号 prefix most of the bureau's documents carry (its code where none is registered)."""
        prefixes = Counter(p for d in self.documents if d.index_no and (p := parse_index_no(d.index_no).prefix))
        return prefixes.most_common(1)[0][0] if prefixes else None

    @property
    def reachable(self) -> bool:
        return (bool(self.start) and self.start.get("status") is not None and 200 <= self.start["status"] < 400
                and not self.start.get("blocked"))

    @property
    def not_crawlable(self) -> str | None:
        """Why the tool itself was turned away at the start page (challenge, robots.txt), or None."""
        why = turned_away(self.start) if self.start else None
        return f"首页未能读取：{why}" if why else None

    @cached_property
    def unchecked(self) -> list[dict[str, Any]]:
        """Pages the tool could not read (timeouts, challenges, robots.txt…): not the bureau's fault."""
        return [page for page in self.pages.values() if (failed := failure(page)) and failed[0] == "unchecked"]

    @cached_property
    def unread_documents(self) -> int:
        """Listed documents whose pages the tool could not read."""
        return sum(1 for page in self.unchecked if page["kind"] == "detail")

    @property
    def crawl_complete(self) -> bool:
        """Everything listed was read: no budget hit, every column complete, no detail page unread."""
        return (self.reachable and not self.limits and all(c.complete for c in self.columns)
                and not self.unread_documents)

    @cached_property
    def by_column(self) -> dict[str, list[int]]:
        """Positions in ``documents`` by the name of each column that lists them."""
        positions: dict[str, list[int]] = {}
        for i, doc in enumerate(self.documents):
            for name in doc.columns:
                positions.setdefault(name, []).append(i)
        return positions

    @cached_property
    def outgoing(self) -> dict[str, set[str]]:
        """Content links (a document's own links) by source page."""
        links: dict[str, set[str]] = {}
        for link in self.links:
            if link["kind"] == "content":
                links.setdefault(link["from_url"], set()).add(link["to_url"])
        return links

    @cached_property
    def incoming(self) -> dict[str, set[str]]:
        """Content links by target page."""
        links: dict[str, set[str]] = {}
        for source, targets in self.outgoing.items():
            for target in targets:
                links.setdefault(target, set()).add(source)
        return links

    @cached_property
    def fetched(self) -> dict[str, str | None]:
        """Fetch time by URL: pages read into ``pages`` and every document."""
        times: dict[str, str | None] = {d.url: d.fetched_at for d in self.documents}
        times.update({url: page.get("fetched_at") for url, page in self.pages.items()})
        return times

    def evidence(self, url: str | None = None) -> dict[str, str | None]:
        url = url or (self.start or {}).get("url")
        return {"url": url, "fetched_at": self.fetched.get(url or "")}


def load_context(store: Store, run_id: int, bureau: dict[str, Any], audit_date: dt.date,
                 profiles_dir: str | None = None) -> BureauContext:
    """Read one bureau of one run (``bureau`` is its record in the run's registry snapshot)."""
    bureau_id = bureau["id"]
    pages = {row["url"]: row for row in store.rows(
        "SELECT url, kind, status, error, fetched_at, attempts, blocked FROM pages WHERE run_id = ? AND bureau_id = ? "
        "AND NOT (kind = 'detail' AND IFNULL(status, 0) = 200)", [run_id, bureau_id])}
    start_urls = bureau["start_urls"]
    start = next((pages[u] for u in start_urls if u in pages), None)
    columns = {row["url"]: Column(row["url"], row["name"], row["items"], bool(row["complete"]))
               for row in store.rows("SELECT * FROM columns WHERE run_id = ? AND bureau_id = ?", [run_id, bureau_id])}
    entries = []
    newest: dict[str, str] = {}
    for column_url, url, title, date in store.db.execute(
            "SELECT column_url, url, title, date FROM list_items WHERE run_id = ? AND bureau_id = ? "
            "ORDER BY column_url, position", [run_id, bureau_id]):
        column = columns.get(column_url)
        entries.append(ListEntry(url, title, date, column.name if column else ""))
        if column is None:
            continue
        if not date:
            column.undated += 1
        elif date > newest.get(column_url, ""):
            newest[column_url] = date
    for column_url, date in newest.items():
        columns[column_url].newest = dt.date.fromisoformat(date)
    attachments = {row["url"]: row for row in store.rows(
        "SELECT url, text, reason FROM attachments WHERE run_id = ? AND bureau_id = ?", [run_id, bureau_id])}
    links = store.rows("SELECT from_url, to_url, text, kind FROM links WHERE run_id = ? AND bureau_id = ?",
                       [run_id, bureau_id])
    attached: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        if link["to_url"] in attachments:
            attached.setdefault(link["from_url"], []).append(attachments[link["to_url"]])
    listed: dict[str, list[ListEntry]] = {}
    for entry in entries:
        listed.setdefault(entry.url, []).append(entry)
    documents = []
    rows = store.db.execute(  # plain tuples: the largest read of an evaluation
        "SELECT url, title, index_no, doc_no, published, written, publisher, validity, fetched_at, "
        "category, subject, raw, text, profile FROM documents WHERE run_id = ? AND bureau_id = ? ORDER BY url",
        [run_id, bureau_id])
    for (url, title, index_no, doc_no, published, written, publisher, validity, fetched_at,
         category, subject, raw, text, profile) in rows:
        seen = listed.get(url, [])
        documents.append(Document(
            url=url, title=title, index_no=index_no, doc_no=doc_no, published=published, written=written,
            publisher=publisher, validity=validity, fetched_at=fetched_at,
            columns=[e.column for e in seen], list_title=seen[0].title if seen else None,
            list_date=seen[0].date if seen else None, category=category, subject=subject,
            raw=raw or "{}", text=text or "", attachments=attached.get(url, []), profile=profile or "generic"))
    limits = store.db.execute("SELECT crawl_limits FROM bureaus WHERE run_id = ? AND id = ?",
                              [run_id, bureau_id]).fetchone()
    return BureauContext(bureau=bureau, audit_date=audit_date, start=start, documents=documents,
                         columns=list(columns.values()), entries=entries, pages=pages, links=links,
                         profiles_dir=profiles_dir, limits=json.loads(limits[0]) if limits and limits[0] else {})
