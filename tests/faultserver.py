"""A fault-injecting test server: small disclosure sites on 127.0.0.x, each with one fault.

Every site serves the same healthy content — a start page, a column of three documents with
Anhui-style metadata tables, each document linking an attachment — and one ``fault`` changes
what some routes do (stalls, resets, 5xx, 429/503 with Retry-After, 加速乐/瑞数 challenges,
redirect loops and off-site redirects, endless pagination, 50 MB bodies, truncated gzip, a
``charset=utf-8`` header on GBK bytes, robots.txt bans, parser-breaking HTML). A site counts
the requests it gets, so tests can assert what the crawler did *not* fetch.
"""

from __future__ import annotations

import datetime as dt
import gzip
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DOCS = 3
CREDIT = "11341700MB1631138U"
JSL_CHALLENGE = (b"<html><body><script>document.cookie=('_')+('_j')+('sl_clearance_s=1764400000.1|0|abc')"
                 b";location.href=location.pathname+location.search</script></body></html>")
RUISHU_CHALLENGE = (b'<html><head><meta id="FSSBBIl1UgzbN7N" content="x"><script>$_ts=window[\'$_ts\'];'
                    b"if(!$_ts)$_ts={};$_ts.nsd=1;</script></head><body></body></html>")


def doc_date(n: int) -> str:
    """Document ``n``'s date, the same on its list entry and its page."""
    return (dt.date(2026, 11, 28) - dt.timedelta(days=n)).isoformat()


def start_page(site: FaultSite) -> str:
    return (f"<html><head><title>{site.name}</title></head><body><h1>{site.name}</h1>"
            '<ul class="nav"><li><a href="/col/">通知公告</a></li></ul></body></html>')


def list_page(site: FaultSite, page: int = 1, pager: str = "") -> str:
    rows = "".join(f'<li><a href="/doc/{n}.html">{site.title(n)}</a><span>{doc_date(n)}</span></li>'
                   for n in range(1, DOCS + 1)) if page == 1 else ""
    if page > 1:  # an endless calendar: every page lists one more dated item and a 下一页 link
        rows = f'<li><a href="/day/{page}.html">{site.name}日程{page}</a><span>{doc_date(100 + page)}</span></li>'
    return (f"<html><head><title>通知公告_{site.name}</title></head><body><ul class=\"list\">{rows}</ul>"
            f"{pager}</body></html>")


def detail_page(site: FaultSite, n: int, title: str | None = None) -> str:
    """Document ``n``: a metadata table (索引号, 文号 and date follow from ``n``); document 3 lacks its
    主题分类 — a real gap every site shares, so a test can see it survive or vanish."""
    title = title or site.title(n)
    return f"""<html><head><title>{title}_{site.name}</title></head><body>
<table class="table_suoyin">
<tr><th>索引号：</th><td>{CREDIT}/2026-{n:05d}</td><th>组配分类：</th><td>通知公告</td></tr>
<tr><th>发布机构：</th><td>{site.name}</td>{"" if n == 3 else "<th>主题分类：</th><td>综合政务</td>"}</tr>
<tr><th>名称：</th><td>{title}</td></tr>
<tr><th>文号：</th><td>测政〔2026〕{n}号</td><th>发布日期：</th><td>{doc_date(n)}</td></tr>
</table>
<div class="article"><h1>{title}</h1><p>正文内容{n}。</p><p><a href="/att/{n}.txt">附件{n}</a></p></div>
</body></html>"""


class Handler(BaseHTTPRequestHandler):
    server_version = "FaultGov/1.0"
    protocol_version = "HTTP/1.1"
    server: FaultServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def send(self, status: int, body: bytes | str = b"", content_type: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None, length: int | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send(status, b"", headers={"Location": location})

    def reset(self) -> None:
        """Close the connection with a TCP RST (SO_LINGER 0), as an overloaded server does."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.connection.close()
        self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        site = self.server.site
        path = urlsplit(self.path).path
        site.hits[path] += 1
        site.times.setdefault(path, []).append(time.monotonic())
        route = site.routes.get(path) or site.default_route(path)
        if route is None:
            self.send(404, "<h1>404 页面不存在</h1>")
        else:
            route(self)


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True
    site: FaultSite

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the crawler hanging up on a stall or a huge body is expected


class FaultSite:
    """One site with one fault; ``url`` is where it listens (``start()`` binds it)."""

    def __init__(self, fault: str, host: str, name: str, peer: str = ""):
        self.fault, self.host, self.name = fault, host, name
        self.peer = peer  # another site's base URL, for off-site redirects
        self.hits: Counter[str] = Counter()
        self.times: dict[str, list[float]] = {}  # when each path was asked for (to check waits)
        self.routes: dict[str, Callable[[Handler], None]] = {}
        self.server: FaultServer | None = None
        FAULTS[fault](self)

    def title(self, n: int) -> str:
        return f"关于{self.name}第{n}批公告事项的通知"

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://{self.host}:{self.server.server_address[1]}/"

    def default_route(self, path: str) -> Callable[[Handler], None] | None:
        if path == "/":
            return lambda h: h.send(200, start_page(self))
        if path == "/col/":
            return lambda h: h.send(200, list_page(self))
        if path == "/robots.txt":
            return lambda h: h.send(200, "User-agent: *\nDisallow: /admin/\n", "text/plain")
        if path.startswith("/doc/") and path.endswith(".html"):
            n = int(path[5:-5])
            return (lambda h: h.send(200, detail_page(self, n))) if 1 <= n <= DOCS else None
        if path.startswith("/att/"):
            return lambda h: h.send(200, "附件内容", "text/plain; charset=utf-8")
        return None

    def start(self) -> FaultSite:
        self.server = FaultServer((self.host, 0), Handler)
        self.server.site = self
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


# ------------------------------------------------------------------------------- the faults
FAULTS: dict[str, Callable[[FaultSite], None]] = {}


def fault(name: str) -> Callable[[Callable[[FaultSite], None]], Callable[[FaultSite], None]]:
    def register(setup: Callable[[FaultSite], None]) -> Callable[[FaultSite], None]:
        FAULTS[name] = setup
        return setup
    return register


@fault("clean")
def _clean(site: FaultSite) -> None:
    """The control: every other site's content, no fault."""


@fault("stall")
def _stall(site: FaultSite) -> None:
    """Document 2 never answers within the crawl's timeout."""
    def stall(h: Handler) -> None:
        time.sleep(site.stall_seconds)
        h.send(200, detail_page(site, 2))
    site.stall_seconds = 8.0
    site.routes["/doc/2.html"] = stall


@fault("reset")
def _reset(site: FaultSite) -> None:
    """Document 2's attachment resets the connection every time."""
    site.routes["/att/2.txt"] = Handler.reset


@fault("http500")
def _http500(site: FaultSite) -> None:
    """Attachment 3 answers 500 every time: a link really broken for the public."""
    site.routes["/att/3.txt"] = lambda h: h.send(500, "<h1>500 Internal Server Error</h1>")


@fault("flaky503")
def _flaky503(site: FaultSite) -> None:
    """Document 1 answers 503 with ``Retry-After: 1`` once, then the page."""
    def flaky(h: Handler) -> None:
        if site.hits["/doc/1.html"] == 1:
            h.send(503, "<h1>503 Service Unavailable</h1>", headers={"Retry-After": "1"})
        else:
            h.send(200, detail_page(site, 1))
    site.routes["/doc/1.html"] = flaky


@fault("rate429")
def _rate429(site: FaultSite) -> None:
    """The column answers 429 with ``Retry-After: 1`` once, then the list."""
    def limited(h: Handler) -> None:
        if site.hits["/col/"] == 1:
            h.send(429, "<h1>Too Many Requests</h1>", headers={"Retry-After": "1"})
        else:
            h.send(200, list_page(site))
    site.routes["/col/"] = limited


@fault("down")
def _down(site: FaultSite) -> None:
    """The start page answers 502 every time: the site is down."""
    site.routes["/"] = lambda h: h.send(502, "<h1>502 Bad Gateway</h1>")


@fault("jsl")
def _jsl(site: FaultSite) -> None:
    """加速乐: the start page is a 521 JavaScript cookie challenge."""
    site.routes["/"] = lambda h: h.send(521, JSL_CHALLENGE, headers={"Set-Cookie": "__jsluid_h=abc; path=/"})


@fault("ruishu")
def _ruishu(site: FaultSite) -> None:
    """瑞数: every document page is a 412 challenge (the start page and list are open)."""
    for n in range(1, DOCS + 1):
        site.routes[f"/doc/{n}.html"] = lambda h: h.send(412, RUISHU_CHALLENGE)


@fault("redirect_loop")
def _redirect_loop(site: FaultSite) -> None:
    """Attachment 1 redirects a → b → a … forever."""
    site.routes["/att/1.txt"] = lambda h: h.redirect("/loop/b")
    site.routes["/loop/b"] = lambda h: h.redirect("/loop/a")
    site.routes["/loop/a"] = lambda h: h.redirect("/loop/b")


@fault("offsite")
def _offsite(site: FaultSite) -> None:
    """Document 1 redirects to another site; document 2 moved on this site (followed)."""
    site.routes["/doc/1.html"] = lambda h: h.redirect(f"{site.peer}doc/1.html")
    site.routes["/doc/2.html"] = lambda h: h.redirect("/moved/2.html", 301)
    site.routes["/moved/2.html"] = lambda h: h.send(200, detail_page(site, 2))


@fault("endless")
def _endless(site: FaultSite) -> None:
    """A calendar-like column: every page links 下一页 to one more, without end; and a
    second column whose pager claims 100,000 pages."""
    def page(h: Handler) -> None:
        n = int(urlsplit(h.path).path.rsplit("_", 1)[1].split(".")[0])
        h.send(200, list_page(site, n, f'<a href="/col/list_{n + 1}.html">下一页</a>'))
    def claimed(h: Handler) -> None:  # TRS style: the pager script names the page count
        n = urlsplit(h.path).path.rsplit("_", 1)[1].split(".")[0] if "_" in h.path else "0"
        h.send(200, list_page(site, int(n) + 2, f'<script>createPageHTML(100000, {n}, "index", "html");</script>'))
    site.routes["/"] = lambda h: h.send(200, start_page(site).replace(
        "</ul>", '<li><a href="/cal/">工作日程</a></li></ul>'))
    site.routes["/col/"] = lambda h: h.send(200, list_page(site, 1, '<a href="/col/list_2.html">下一页</a>'))
    site.routes["/cal/"] = claimed
    def day(h: Handler) -> None:
        n = int(urlsplit(h.path).path[5:-5])
        h.send(200, detail_page(site, 100 + n, f"{site.name}日程{n}"))
    routes = _with_prefix(site.default_route, "/col/list_", page)
    site.default_route = _with_prefix(_with_prefix(routes, "/cal/index_", claimed), "/day/", day)


def _with_prefix(default: Callable[[str], Any], prefix: str, route: Callable[[Handler], None]) -> Callable[[str], Any]:
    return lambda path: route if path.startswith(prefix) else default(path)


@fault("huge")
def _huge(site: FaultSite) -> None:
    """Attachment 1 is a 50 MB body (declared); attachment 2 streams 50 MB with no length."""
    def declared(h: Handler) -> None:
        h.send(200, b"", "application/octet-stream", length=50 * 1024 * 1024)
        chunk = b"\0" * (1 << 20)
        try:
            for _ in range(50):
                h.wfile.write(chunk)
        except OSError:
            pass  # the crawler hung up, as it should

    def streamed(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        chunk = b"<p>" + b"x" * (1 << 20) + b"</p>"
        try:
            for _ in range(50):
                h.wfile.write(chunk)
        except OSError:
            pass
    site.routes["/att/1.txt"] = declared
    site.routes["/att/2.txt"] = streamed


@fault("bad_gzip")
def _bad_gzip(site: FaultSite) -> None:
    """Document 3 is gzip cut off in the middle."""
    def truncated(h: Handler) -> None:
        packed = gzip.compress(detail_page(site, 3).encode("utf-8"))
        h.send(200, packed[: len(packed) // 2], headers={"Content-Encoding": "gzip"})
    site.routes["/doc/3.html"] = truncated


@fault("charset_lie")
def _charset_lie(site: FaultSite) -> None:
    """Every document is GBK bytes under a ``charset=utf-8`` header."""
    def lying(n: int) -> Callable[[Handler], None]:
        return lambda h: h.send(200, detail_page(site, n).encode("gbk"), "text/html; charset=utf-8")
    for n in range(1, DOCS + 1):
        site.routes[f"/doc/{n}.html"] = lying(n)


@fault("robots")
def _robots(site: FaultSite) -> None:
    """robots.txt bans /doc/: documents are off limits unless the audit is authorised."""
    site.routes["/robots.txt"] = lambda h: h.send(200, "User-agent: *\nDisallow: /doc/\n", "text/plain")


@fault("broken_html")
def _broken_html(site: FaultSite) -> None:
    """Document 1 has markup that breaks parsers; document 2 is NUL bytes and a 100,000-deep nest."""
    def broken(h: Handler) -> None:
        page = detail_page(site, 1).replace("</table>", "<table><tr><td><</td><<<>>>&#xFFFFFFFF;&bogus")
        h.send(200, page.replace("</body></html>", "<div <p <a href='\"><![CDATA[ <!-- "))

    def nested(h: Handler) -> None:
        page = detail_page(site, 2).replace("<body>", "<body>" + "<div>" * 100_000 + "\0\0")
        h.send(200, page)
    site.routes["/doc/1.html"] = broken
    site.routes["/doc/2.html"] = nested


@fault("hostile")
def _hostile(site: FaultSite) -> None:
    """Document 1's title (and its attachment's link text) is a script and a spreadsheet formula;
    its 文号 is a formula; its body runs JavaScript; its attachment answers 500 (so the report
    cites the document)."""
    evil = '=HYPERLINK("http://evil.example")<script>alert("xss")</script>'
    escaped = evil.replace("<", "&lt;").replace(">", "&gt;")
    page = detail_page(site, 1, escaped).replace(">附件1<", f">{escaped}<").replace(
        "测政〔2026〕1号", '=HYPERLINK("http://evil.example")').replace(
        "</body>", "<script>fetch('/pwned');document.title='pwned'</script><img src=x onerror=\"fetch('/pwned')\"></body>")
    site.routes["/doc/1.html"] = lambda h: h.send(200, page)
    site.routes["/att/1.txt"] = lambda h: h.send(500, "<h1>500</h1>")  # a real gap: the report shows the title


# ------------------------------------------------------------------------------- the registry
ORDER = list(FAULTS)


@contextmanager
def serve_faults(folder: Path, faults: list[str] | None = None, refused: bool = True) -> Iterator[tuple[Path, dict[str, FaultSite]]]:
    """Start one site per fault (127.0.0.10, .11, …) and write their ``sites.yaml``; with
    ``refused`` a bureau whose address has no server at all is added (``refused``)."""
    names = faults or ORDER
    with ExitStack() as stack:
        peer = FaultSite("clean", "127.0.0.99", "站外网站").start()
        stack.callback(peer.stop)
        sites: dict[str, FaultSite] = {}
        for i, name in enumerate(names):
            site = FaultSite(name, f"127.0.0.{10 + i}", f"测试{i + 1}县自然资源和规划局", peer=peer.url).start()
            stack.callback(site.stop)
            sites[name] = site
        sites["_peer"] = peer
        bureaus = [_bureau(name, site.name, site.url) for name, site in sites.items() if name != "_peer"]
        if refused:
            with socket.socket() as probe:  # a port nobody listens on
                probe.bind(("127.0.0.9", 0))
                port = probe.getsockname()[1]
            bureaus.append(_bureau("refused", "测试拒绝县自然资源和规划局", f"http://127.0.0.9:{port}/"))
        path = folder / "sites.yaml"
        path.write_text("province: 测试省\naudit_date: 2026-11-29\nbureaus:\n" + "".join(bureaus), encoding="utf-8")
        yield path, sites


def _bureau(fault_name: str, name: str, url: str) -> str:
    return (f"  - id: {fault_name.replace('_', '-')}\n    name: {name}\n    region: \"341800\"\n"
            f"    level: county\n    kind: natural_resources\n    credit_code: {CREDIT}\n"
            f"    start_urls: [\"{url}\"]\n    profile: auto\n")
