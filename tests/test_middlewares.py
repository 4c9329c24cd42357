"""The spider's downloader middlewares that replace Scrapy's own: same answers, less work."""

from __future__ import annotations

import pytest
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from auditor.simulator import simulate
from spiders.middlewares import QuickMetaRefreshMiddleware

URL = "http://127.0.0.2/a/index.html"
REFRESH = [
    '<html><head><meta http-equiv="refresh" content="0;url=/b/">',
    "<HTML><HEAD><META HTTP-EQUIV=Refresh CONTENT='3; URL=http://127.0.0.2/c.html'></HEAD></HTML>",
    '<html><head><title>跳转</title><meta http-equiv="REFRESH" content="0; url=d/index.html"></head>',
    "<html><head>" + "<!-- 中文注释 -->" * 400 + '<meta http-equiv="refresh" content="0;url=/late/">',  # 4,096 chars on
    '<html><head><script><meta http-equiv="refresh" content="0;url=/in-script/"></script>',
    '<html><body>no refresh here, 中文</body></html>',
]


def _answer(middleware: MetaRefreshMiddleware, body: bytes, headers: dict[str, str] | None = None) -> str:
    request = Request(URL)
    response = HtmlResponse(URL, body=body, request=request, headers=headers or {"Content-Type": "text/html"})
    result = middleware.process_response(request, response)
    return f"request {result.url}" if isinstance(result, Request) else "response" if result is response else "other"


@pytest.fixture(scope="module")
def middlewares():
    crawler = get_crawler(settings_dict={"METAREFRESH_ENABLED": True})
    return MetaRefreshMiddleware.from_crawler(crawler), QuickMetaRefreshMiddleware.from_crawler(crawler)


@pytest.mark.parametrize("html", REFRESH)
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_quick_meta_refresh_answers_as_scrapy_does(middlewares, html, encoding):
    scrapy_mw, quick = middlewares
    body = html.encode(encoding)
    headers = {"Content-Type": f"text/html; charset={encoding}"}
    assert _answer(quick, body, headers) == _answer(scrapy_mw, body, headers)


def test_quick_meta_refresh_follows_and_skips_concretely(middlewares):
    _, quick = middlewares
    assert _answer(quick, REFRESH[0].encode()) == "request http://127.0.0.2/b/"
    assert _answer(quick, REFRESH[1].encode()) == "request http://127.0.0.2/c.html"
    assert _answer(quick, REFRESH[2].encode("gb18030"), {"Content-Type": "text/html; charset=gbk"}) == \
        "request http://127.0.0.2/a/d/index.html"
    assert _answer(quick, REFRESH[5].encode()) == "response"
    plain = Response(URL, body=b"%PDF-1.4 refresh", request=Request(URL))
    assert quick.process_response(Request(URL), plain) is plain


def test_quick_meta_refresh_on_every_simulated_and_corpus_page(middlewares, tmp_path, corpus):
    scrapy_mw, quick = middlewares
    simulate(tmp_path / "p", seed=3)
    pages = [p.read_bytes() for p in sorted((tmp_path / "p" / "sites").rglob("*.htm*"))]
    pages += [p.read_bytes() for p in sorted(corpus.glob("*.htm*"))]
    assert len(pages) > 2000
    answers = {(_answer(quick, body), _answer(scrapy_mw, body)) for body in pages}
    assert answers == {("response", "response")}
