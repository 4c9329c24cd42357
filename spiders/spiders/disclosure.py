"""The one generic disclosure spider, driven by the site registry and CMS profiles.

From each bureau's start page it follows the navigation to columns (栏目), reads each column's
dated items, follows its pagination to the end, opens every detail page, and checks every
internal link and attachment those pages carry. It never leaves the bureau's hosts. What it
sees goes to the store, one bundle of rows per response (see ``spiders.pipelines``); what it
could not fetch is recorded too, so the rules can say ``untestable`` instead of guessing.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from auditor.blocking import challenge
from auditor.extract.attachments import attachment_kind
from auditor.extract.document import parse_html
from auditor.extract.dynamic import ListSource
from auditor.extract.encoding import decode
from auditor.extract.listing import (
    ListItem,
    is_blank_list,
    list_items,
    page_links,
    pagination,
)
from auditor.extract.metadata import extract_metadata
from auditor.extract.record import content_scope, scope_markup
from auditor.incremental import DEFAULT_SHARE, Known, due, load_known
from auditor.profiles import GENERIC, Profile, detect, list_sources_on, load_profiles
from auditor.registry import Bureau, load_registry
from auditor.store import Store, now

HTML_TYPES = ("text/html", "application/xhtml")
# statuses the spider reads itself (errors are recorded, 304 answers a revalidation); redirects
# are left to Scrapy's redirect middleware, which follows them on the bureau's hosts only
HANDLED_STATUSES = [304, *range(400, 600)]


def requested_url(request: Request) -> str:
    """The URL the spider asked for (before any redirect): pages are stored under it."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


@dataclass
class ColumnState:
    """How far the crawl got through one column's list pages."""

    bureau_id: str
    url: str
    name: str
    parent_url: str | None
    expected: set[str] = field(default_factory=set)
    ok: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    items: int = 0
    capped: bool = False  # more list pages than AUDITOR_MAX_LIST_PAGES (an endless list)

    def row(self, run_id: int) -> dict[str, Any]:
        return {"run_id": run_id, "bureau_id": self.bureau_id, "url": self.url, "name": self.name,
                "parent_url": self.parent_url, "pages_expected": len(self.expected),
                "pages_ok": len(self.ok), "pages_failed": len(self.failed), "items": self.items,
                "complete": int(not self.failed and not self.capped and self.expected <= self.ok)}


@dataclass(frozen=True)
class Caps:
    """The crawl's limits, read from the settings once (they are checked for every request)."""

    url_length: int
    pages_per_site: int
    requests_per_host: int
    list_pages: int
    nav_depth: int

    @classmethod
    def from_settings(cls, settings: Any) -> Caps:
        return cls(url_length=settings.getint("URLLENGTH_LIMIT"),
                   pages_per_site=settings.getint("AUDITOR_MAX_PAGES_PER_SITE"),
                   requests_per_host=settings.getint("AUDITOR_MAX_REQUESTS_PER_HOST"),
                   list_pages=settings.getint("AUDITOR_MAX_LIST_PAGES"),
                   nav_depth=settings.getint("AUDITOR_MAX_NAV_DEPTH"))


class DisclosureSpider(scrapy.Spider):
    name = "disclosure"
    caps: Caps  # set by from_crawler: the settings are known only there

    def __init__(self, sites: str = "", db: str = "", run_id: str = "0", only: str = "", previous: str = "",
                 share: str = str(DEFAULT_SHARE), resume: str = "", registry: str = "", **kwargs: Any):
        """``sites`` is a registry file; a Scrapyd node gets the registry's text as ``registry``
        instead, and no ``db``: its items then go to Scrapyd's items feed (see the pipeline)."""
        super().__init__(**kwargs)
        if registry:  # load_registry reads a file (its messages name file and line)
            with tempfile.TemporaryDirectory(prefix="zwgk-registry-") as folder:
                (Path(folder) / "sites.yaml").write_text(registry, encoding="utf-8")
                loaded = load_registry(Path(folder) / "sites.yaml")
        else:
            loaded = load_registry(sites)
        wanted = {b for b in only.split(",") if b}
        self.bureaus = {b.id: b for b in loaded.bureaus if not wanted or b.id in wanted}
        self.profiles_dir = loaded.profiles_dir
        self.db_path = db
        self.run_id = int(run_id)
        self.profiles: dict[str, Profile] = {}
        self.columns: dict[str, ColumnState] = {}
        self.requested: dict[str, set[str]] = {b: set() for b in self.bureaus}
        self.pending: dict[str, int] = {b: 0 for b in self.bureaus}
        self.nav_urls: dict[str, set[str]] = {}
        self.host_requests: dict[str, int] = {}
        self.limits: dict[str, dict[str, int]] = {}  # bureau → budget or cap hit → requests not sent
        self.share = float(share)
        self.summarised = False
        # Set by the store pipeline when the crawl has a store: each response's bundle goes straight
        # to the store writer instead of through Scrapy's item machinery (per-item tasks, signals,
        # log records: ~10% of the crawl's CPU, bench/province.py). A Scrapyd node has no store and
        # yields its bundles for the items feed.
        self.item_sink: Callable[[dict[str, Any]], None] | None = None
        # a re-audit: what each bureau's previous complete run holds (empty for a full crawl)
        self.known: dict[str, Known] = {}
        if previous:
            store = Store(db)
            try:
                self.known = load_known(store, int(previous), list(self.bureaus))
            finally:
                store.close()
        # a resumed run: detail pages and link targets already stored are not fetched again; the
        # navigation and lists are read again (columns are summarised when a crawl closes)
        self.resume_links: dict[str, list[tuple[str, str]]] = {}
        if resume:
            store = Store(db)
            try:
                for row in store.rows("SELECT bureau_id, url FROM pages WHERE run_id = ? AND kind IN ('detail', 'link') "
                                      "AND status IS NOT NULL", [self.run_id]):
                    if row["bureau_id"] in self.requested:
                        self.requested[row["bureau_id"]].add(row["url"])
                for row in store.rows("SELECT l.bureau_id, l.to_url, l.from_url FROM links l WHERE l.run_id = ? "
                                      "AND l.kind = 'content' AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.run_id = l.run_id "
                                      "AND p.url = l.to_url)", [self.run_id]):
                    self.resume_links.setdefault(row["bureau_id"], []).append((row["to_url"], row["from_url"]))
            finally:
                store.close()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> DisclosureSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.caps = Caps.from_settings(crawler.settings)
        if not spider.db_path:
            crawler.signals.connect(spider._summarise_when_idle, signal=signals.spider_idle)
        return spider

    def _summarise_when_idle(self) -> None:
        """On a node (no store), once everything is crawled: one last item with what the store
        would get at close — column summaries, caps hit, requests sent — through a ``data:`` request
        (a spider can only yield items from callbacks). Its presence tells the coordinator the
        crawl ended normally."""
        if self.summarised:
            return
        self.summarised = True
        self.crawler.engine.crawl(Request("data:,summary", callback=self._summary, dont_filter=True))
        raise DontCloseSpider

    def _summary(self, response: Response) -> Iterator[dict[str, Any]]:
        requests = (self.crawler.stats.get_value("downloader/request_count") or 0) - 1  # not this one
        yield {"_table": "summary", "columns": self.column_rows(), "limits": self.limit_rows(), "requests": requests}

    # ------------------------------------------------------------------ entry
    async def start(self) -> AsyncIterator[Request]:
        for bureau in self.bureaus.values():
            if bureau.profile != "auto":
                self.profiles[bureau.id] = load_profiles(self.profiles_dir).get(bureau.profile, GENERIC)
            for url in bureau.start_urls:
                yield self._request(bureau, url, "start")

    def _request(self, bureau: Bureau, url: str, kind: str, **meta: Any) -> Request | None:
        """A request for ``url`` unless it was already requested or the site's budget is spent.

        The spider keeps its own seen-set (rather than relying on Scrapy's dupefilter) so that it
        can count each bureau's outstanding requests and tell when a bureau is done.
        """
        seen = self.requested[bureau.id]
        if url in seen:
            return None
        if len(url) > self.caps.url_length:  # as Scrapy's UrlLengthMiddleware would
            self.crawler.stats.inc_value("auditor/url_too_long")
            return None
        host = urlsplit(url).hostname or ""  # per host name, as Scrapy's politeness slots
        if len(seen) >= self.caps.pages_per_site:
            return self._limited(bureau.id, "site_budget")
        if self.host_requests.get(host, 0) >= self.caps.requests_per_host:
            return self._limited(bureau.id, "host_budget")
        seen.add(url)
        self.host_requests[host] = self.host_requests.get(host, 0) + 1
        self.pending[bureau.id] += 1
        callback = self.parse_start if kind == "start" else self.parse_page
        referer = meta.get("referer")
        # the Referer Scrapy's default policy sends (the page, unless that would leak https into http)
        headers = {"Referer": referer} if referer and (url[:6] == "https:" or referer[:6] != "https:") else None
        return Request(url, callback=callback, errback=self.failed, dont_filter=True, headers=headers,
                       meta={"bureau": bureau.id, "kind": kind, "handle_httpstatus_list": HANDLED_STATUSES, **meta})

    def _limited(self, bureau_id: str, limit: str) -> None:
        """Count a request a budget or cap refused: the bureau's crawl is then incomplete."""
        counts = self.limits.setdefault(bureau_id, {})
        counts[limit] = counts.get(limit, 0) + 1
        self.crawler.stats.inc_value(f"auditor/limit/{limit}")
        return None

    def _internal(self, bureau: Bureau, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc.lower() in bureau.hosts

    # ------------------------------------------------------------------ records
    def _page_item(self, response: Response, kind: str) -> dict[str, Any]:
        meta = response.meta
        return {"_table": "pages", "_body": response.body,
                "_headers": [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs],
                "_request_headers": [(k.decode("latin-1"), v.decode("latin-1"))
                                     for k, vs in response.request.headers.items() for v in vs],
                "run_id": self.run_id, "bureau_id": meta["bureau"], "url": requested_url(response.request),
                "kind": kind, "status": response.status, "error": None, "fetched_at": now(),
                "blocked": challenge(response.status, response.body),
                "redirected_to": response.url if meta.get("redirect_urls") else None,
                "content_type": response.headers.get("Content-Type", b"").decode("latin-1"),
                "size": len(response.body), "column_url": meta.get("column"),
                "referer": meta.get("referer"), "attempts": meta.get("retry_times", 0) + 1,
                "etag": response.headers.get("ETag", b"").decode("latin-1") or None,
                "last_modified": response.headers.get("Last-Modified", b"").decode("latin-1") or None}

    def _settled(self, bureau_id: str) -> Iterator[dict[str, Any]]:
        """Count one request as answered; when a bureau has none left, record it as done."""
        self.pending[bureau_id] -= 1
        if self.pending[bureau_id] == 0:
            yield {"_table": "bureau_done", "run_id": self.run_id, "id": bureau_id, "crawl_finished_at": now()}

    def failed(self, failure: Failure) -> list[dict[str, Any]]:
        return self._deliver([*self._failed(failure), *self._settled(failure.request.meta["bureau"])])

    def _deliver(self, bundle: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows one response gives, as one bundle: to the store writer, or returned as the
        callback's one item."""
        if not bundle:
            return []
        if self.item_sink is None:
            return [{"_table": "bundle", "items": bundle}]
        self.item_sink({"_table": "bundle", "items": bundle})
        return []

    def parse_start(self, response: Response) -> list[dict[str, Any]]:
        return self._guarded(self._parse_start, response)

    def parse_page(self, response: Response) -> list[dict[str, Any]]:
        return self._guarded(self._parse_page, response)

    def _guarded(self, handler: Any, response: Response) -> list[dict[str, Any]]:
        """Run a page handler; a page that breaks it is logged and counted, and the crawl goes on.
        The rows one response gives (its page, document, links, list entries) travel as one
        bundle, so the store commits all of them or none: a resumed run never finds a page
        stored without its document. The requests it makes go to the engine as they come, not
        back through Scrapy's spider middlewares (``_request`` does what those did for them:
        Referer, URL length)."""
        bundle: list[dict[str, Any]] = []
        crawl = self.crawler.engine.crawl
        try:
            for output in handler(response):
                if isinstance(output, dict):
                    bundle.append(output)
                else:
                    crawl(output)
        except Exception:  # noqa: BLE001 - any page may be hostile; the audit must finish
            self.logger.exception("could not process %s", response.url)
            self.crawler.stats.inc_value("auditor/page_errors")
        bundle.extend(self._settled(response.meta["bureau"]))
        return self._deliver(bundle)

    def _failed(self, failure: Failure) -> Iterator[dict[str, Any]]:
        """A request that never got a response (DNS, refused, timeout) after retries."""
        request = failure.request
        meta = request.meta
        column = self.columns.get(meta.get("column") or "")
        if column is not None and meta["kind"] == "list":
            column.failed.add(requested_url(request))
        yield {"_table": "pages", "run_id": self.run_id, "bureau_id": meta["bureau"],
               "url": requested_url(request), "kind": meta["kind"], "status": None,
               "error": f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500],
               "fetched_at": now(), "column_url": meta.get("column"),
               "referer": meta.get("referer"), "attempts": meta.get("retry_times", 0) + 1}

    def _links(self, bureau: Bureau, from_url: str, links: list[tuple[str, str]], kind: str) -> Iterator[dict[str, Any]]:
        for url, text in links:
            if self._internal(bureau, url):
                yield {"_table": "links", "run_id": self.run_id, "bureau_id": bureau.id,
                       "from_url": from_url, "to_url": url, "text": text, "kind": kind}

    def _html(self, response: Response, item: dict[str, Any]) -> tuple[str, Any] | None:
        """Decode and parse an HTML response (once), noting the encoding in its page item."""
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if response.status != 200 or item["blocked"] or (content_type and not content_type.startswith(HTML_TYPES)):
            return None
        decoded = decode(response.body, content_type)
        item["encoding"] = decoded.encoding
        return decoded.text, parse_html(decoded.text)

    # ------------------------------------------------------------------ start page
    def _parse_start(self, response: Response) -> Iterator[Any]:
        bureau = self.bureaus[response.meta["bureau"]]
        item = self._page_item(response, "start")
        parsed = self._html(response, item)
        yield item
        if parsed is None:
            return
        text, tree = parsed
        yield from self._detect(bureau, response.url, text)
        links = [(u, t) for u, t in page_links(tree, response.url) if self._internal(bureau, u)]
        self.nav_urls[bureau.id] = {u for u, _ in links} | {response.url}
        yield from self._links(bureau, response.url, links, "nav")
        for url, anchor in links:
            request = self._request(bureau, url, "column", name=anchor, depth=1, referer=response.url)
            if request:
                yield request
        # a resumed run: links of documents read before the stop, once the start page has set the
        # bureau's navigation and CMS profile (pages read before would be read as generic ones)
        for url, referer in self.resume_links.pop(bureau.id, []):
            request = self._request(bureau, url, "link", referer=referer)
            if request:
                yield request

    # ------------------------------------------------------------------ every other page
    def _parse_page(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        bureau = self.bureaus[meta["bureau"]]
        kind = meta["kind"]
        item = self._page_item(response, kind)
        column = self.columns.get(meta.get("column") or "")
        known = self.known.get(bureau.id)
        if response.status == 304 and known is not None:  # revalidated: unchanged since the last audit
            yield {"_table": "carry", "url": requested_url(response.request), "previous": known.run_id, "revalidated": now()}
            return
        if meta.get("source") is not None and column is not None:
            yield item
            yield from self._parse_source_page(bureau, response, column)
            return
        parsed = self._html(response, item)
        if parsed is None and response.status == 200 and kind == "link" \
                and attachment_kind(response.url, item["content_type"]):
            # its text is read from the page's body by the store writer (auditor.ingest)
            yield {"_table": "attachments", "run_id": self.run_id, "bureau_id": bureau.id,
                   "url": requested_url(response.request), "_read": True}
        if parsed is None:
            if column is not None and kind == "list":
                column.failed.add(requested_url(response.request))
            yield item
            return
        text, tree = parsed
        items = list_items(tree, response.url) if kind in ("column", "list") else []
        sources = list_sources_on(text, self.profiles_dir) if kind == "column" else []  # a column's first page
        if kind == "column" and (items or sources or is_blank_list(text)):
            column = self._open_column(bureau, response, tree)
            item["kind"], item["column_url"] = "list", column.url
            kind = "list"
        yield item
        if kind == "list" and column is not None:
            yield from self._parse_list(bureau, response, text, tree, column, items, sources)
        elif kind == "column":
            yield from self._parse_other(bureau, response, text, tree)
        else:
            yield from self._parse_detail(bureau, response, text, tree)

    def _open_column(self, bureau: Bureau, response: Response, tree: Any) -> ColumnState:
        url = requested_url(response.request)
        name = response.meta.get("name") or ""
        if not name:
            title = tree.find(".//title")
            name = (title.text or "").split("_")[0].strip() if title is not None else url
        column = ColumnState(bureau.id, url, name, response.meta.get("parent"), expected={url})
        self.columns[url] = column
        return column

    def _list_entries(self, bureau: Bureau, column: ColumnState, page_url: str,
                      items: list[ListItem]) -> Iterator[Any]:
        """Store one list page's entries and open their detail pages."""
        yield from self._entry_rows(bureau, column, items)
        yield from self._links(bureau, page_url, [(e.url, e.title) for e in items], "item")
        for entry in items:
            yield from self._open_entry(bureau, column, entry, page_url)

    def _entry_rows(self, bureau: Bureau, column: ColumnState, entries: list[ListItem]) -> Iterator[dict[str, Any]]:
        position = column.items
        column.items += len(entries)
        for n, entry in enumerate(entries):
            yield {"_table": "list_items", "run_id": self.run_id, "bureau_id": bureau.id,
                   "column_url": column.url, "url": entry.url, "title": entry.title,
                   "date": entry.date, "position": position + n}

    def _open_entry(self, bureau: Bureau, column: ColumnState, entry: ListItem, referer: str) -> Iterator[Any]:
        """Request a listed document's page — or, in a re-audit, carry a known, unchanged one over
        (asking again, conditionally, when its revalidation turn has come)."""
        if not self._internal(bureau, entry.url):
            return
        known = self.known.get(bureau.id)
        headers = {}
        if known and known.unchanged(entry.url, entry.title, entry.date):
            if not due(entry.url, self.run_id, self.share):
                yield from self._carry(bureau, entry.url, known)
                return
            headers = known.validators.get(entry.url, {})
        request = self._request(bureau, entry.url, "detail", column=column.url, referer=referer)
        if request:
            request.headers.update(headers)
            yield request

    def _carry(self, bureau: Bureau, url: str, known: Known) -> Iterator[dict[str, Any]]:
        """A known, unchanged document: its rows come from the previous run, no request is sent."""
        if url not in self.requested[bureau.id]:
            self.requested[bureau.id].add(url)
            yield {"_table": "carry", "url": url, "previous": known.run_id}

    def _list_pages(self, bureau: Bureau, column: ColumnState, page_url: str, urls: list[str],
                    **meta: Any) -> Iterator[Any]:
        """Request further pages of a column, each once, counting them as expected."""
        yield from self._links(bureau, page_url, [(u, "") for u in urls], "pager")
        for url in urls:
            if self._internal(bureau, url) and url not in column.expected:
                if len(column.expected) >= self.caps.list_pages:
                    column.capped = True
                    self._limited(bureau.id, "list_pages")
                    return
                column.expected.add(url)
                request = self._request(bureau, url, "list", column=column.url, referer=page_url, **meta)
                if request:
                    yield request

    def _parse_list(self, bureau: Bureau, response: Response, text: str, tree: Any, column: ColumnState,
                    items: list[ListItem], sources: list[ListSource]) -> Iterator[Any]:
        """One HTML page of a column: its items, its pagination and (on the first page only)
        the column's non-HTML list sources."""
        url = requested_url(response.request)
        column.ok.add(url)
        for source in sources:
            items = items + source.embedded_items(text, response.url)
        yield from self._list_entries(bureau, column, url, items)
        verify = response.meta.get("verify")
        if verify is not None:  # the last page of a column that began as before
            yield from self._verified(bureau, column, url, items, verify)
            return
        rest = self._unchanged_rest(bureau, column, url, items)
        pages = pagination(tree, text, response.url)
        further = pages.pages if url == column.url else []
        if rest is not None:  # the column begins exactly as last time
            if rest and further and not sources:
                # and ends as last time? (a removal anywhere shifts the last page): ask for it first
                yield from self._list_pages(bureau, column, url, further[-1:], verify={"rest": rest, "pages": further})
            else:
                yield from self._carried_entries(bureau, column, rest)
            return
        if pages.next_url and not pages.pages:
            further = [pages.next_url]
        yield from self._list_pages(bureau, column, url, further)
        for source in sources:
            values = source.values(text)
            if values is None:
                column.failed.add(url)  # the list exists but its arguments could not be read
                continue
            discover = source.kind == "json_api" and "total" not in values
            yield from self._list_pages(bureau, column, url, source.urls(values, response.url),
                                        source=source, values=values, discover=discover)

    def _verified(self, bureau: Bureau, column: ColumnState, url: str, items: list[ListItem],
                  verify: dict[str, Any]) -> Iterator[Any]:
        """The last page lists what the column ended with last time: the middle is known and carried;
        otherwise something was removed or moved, and the whole column is read again."""
        rest = verify["rest"]
        tail = [(e["url"], e["title"], e["date"]) for e in rest[-len(items):]] if items else []
        if items and tail == [(i.url, i.title, i.date) for i in items]:
            yield from self._carried_entries(bureau, column, rest[:-len(items)])
        else:
            yield from self._list_pages(bureau, column, column.url, verify["pages"])

    def _unchanged_rest(self, bureau: Bureau, column: ColumnState, url: str,
                        items: list[ListItem]) -> list[dict[str, Any]] | None:
        """On a column's first page of a re-audit: the previous run's entries after this page when
        the page lists exactly the entries the column began with last time (nothing new, nothing
        changed); else None, and the column is read to the end."""
        known = self.known.get(bureau.id)
        if known is None or url != column.url or url not in known.columns or not items:
            return None
        before = known.columns[url]
        head = [(e["url"], e["title"], e["date"]) for e in before[:len(items)]]
        if head != [(i.url, i.title, i.date) for i in items]:
            return None
        return before[len(items):]

    def _carried_entries(self, bureau: Bureau, column: ColumnState, rest: list[dict[str, Any]]) -> Iterator[Any]:
        """A column's entries taken from the previous run (its pages were not read again)."""
        entries = [ListItem(url=e["url"], title=e["title"], date=e["date"]) for e in rest]
        yield from self._entry_rows(bureau, column, entries)
        for entry in entries:
            yield from self._open_entry(bureau, column, entry, column.url)

    def _parse_source_page(self, bureau: Bureau, response: Response, column: ColumnState) -> Iterator[Any]:
        """A page of a list that is not HTML (Hanweb XML records, a TRS JSON search API)."""
        url, meta = requested_url(response.request), response.meta
        if response.status != 200:
            column.failed.add(url)
            return
        column.ok.add(url)
        source = meta["source"]
        text = decode(response.body, response.headers.get("Content-Type", b"").decode("latin-1")).text
        items, total = source.read(text, response.url)
        yield from self._list_entries(bureau, column, url, items)
        if meta.get("discover") and total is not None:
            yield from self._list_pages(bureau, column, url, source.urls(meta["values"], column.url, total),
                                        source=source, values=meta["values"])

    def _parse_other(self, bureau: Bureau, response: Response, text: str, tree: Any) -> Iterator[Any]:
        """A navigation target that is not a list: a detail page, or a sub-catalogue."""
        if extract_metadata(text).raw:
            yield from self._parse_detail(bureau, response, text, tree)
            return
        depth = response.meta.get("depth", 1)
        if depth >= self.caps.nav_depth:
            return
        known = self.nav_urls.setdefault(bureau.id, set())
        for url, anchor in page_links(tree, response.url):
            if self._internal(bureau, url) and url not in known:
                known.add(url)
                request = self._request(bureau, url, "column", name=anchor, depth=depth + 1,
                                        parent=requested_url(response.request), referer=response.url)
                if request:
                    yield request

    def _detect(self, bureau: Bureau, url: str, text: str) -> Iterator[dict[str, Any]]:
        """Recognise the CMS family (unless the registry names it); a home page often says
        too little, so a bureau still ``generic`` is looked at again on its detail pages."""
        if bureau.profile != "auto" or self.profiles.get(bureau.id, GENERIC) is not GENERIC:
            return
        profile, confidence = detect(url, text, extra_dir=self.profiles_dir)
        if profile is not GENERIC or bureau.id not in self.profiles:
            self.profiles[bureau.id] = profile
            yield {"_table": "bureau_profile", "run_id": self.run_id, "id": bureau.id,
                   "detected_profile": profile.name, "profile_confidence": round(confidence, 2)}

    def _parse_detail(self, bureau: Bureau, response: Response, text: str, tree: Any) -> Iterator[Any]:
        yield from self._detect(bureau, response.url, text)
        profile = self.profiles.get(bureau.id, GENERIC)
        url = requested_url(response.request)
        scope = content_scope(tree, profile)
        # its fields are read from the page's body and this content area by the store writer
        # (auditor.ingest), on the writer's core: the crawl keeps only what it needs to go on
        yield {"_table": "documents", "run_id": self.run_id, "bureau_id": bureau.id, "url": url,
               "fetched_at": now(), "profile": profile.name, "_read": scope_markup(scope)}
        nav = self.nav_urls.get(bureau.id, set())
        if scope:
            links = [link for el in scope for link in page_links(el, response.url)]
        else:
            links = [(u, t) for u, t in page_links(tree, response.url) if u not in nav]
        links = [(u, t) for u, t in links if self._internal(bureau, u) and u != url]
        yield from self._links(bureau, url, links, "content")
        for link_url, _ in links:
            request = self._request(bureau, link_url, "link", referer=url)
            if request:
                yield request

    def column_rows(self) -> list[dict[str, Any]]:
        return [column.row(self.run_id) for column in self.columns.values()]

    def limit_rows(self) -> list[dict[str, Any]]:
        """Bureaus whose crawl a budget or cap cut short, with the requests it refused."""
        return [{"run_id": self.run_id, "id": b, "crawl_limits": json.dumps(counts)} for b, counts in self.limits.items()]
