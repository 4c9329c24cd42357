"""List sources from profiles: Hanweb XML record groups and TRS JSON search APIs."""

from __future__ import annotations

import json

import pytest

from auditor.extract.dynamic import ListSource, ListSourceError
from auditor.profiles import list_sources_on, load_profiles

BASE = "http://127.0.0.10:8001/col/col4004/index.html"
HANWEB_PAGE = """<div id="4004"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&columnid=4004&unitid=7"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2026/3/2/art_4004_11.html" title="关于甲的通知">关于甲的通知</a><span>2026-03-02</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2026/3/1/art_4004_10.html">关于乙的公告</a><span>2026-03-01</span></li>]]></record>
</recordset></datastore></script></div>
<script>$("#4004").jpage({ perPage: 15, groupSize: 3, totalRecord: 100, proxyUrl: "/module/web/jpage/dataproxy.jsp" });</script>"""
TRS_PAGE = """<ul><li><a href="./t1.html">甲</a><span>2026-03-02</span></li></ul><script>
listModel({ quickMode: "动静结合", searchUrl: "/fjdzapp/search", listArgs: { channelid: "5001",
classsql: "chnlid=5001", sortfield: "-docorderpri,-docreltime" }, pagebar: { prepage: 10 } });</script>"""


def source(name: str) -> ListSource:
    (found,) = load_profiles()[name].list_sources
    return found


def test_hanweb_embedded_group_and_later_groups():
    hanweb = source("hanweb")
    assert list_sources_on(HANWEB_PAGE) == [hanweb]
    items = hanweb.embedded_items(HANWEB_PAGE, BASE)
    assert [(i.url, i.title, i.date) for i in items] == [
        ("http://127.0.0.10:8001/art/2026/3/2/art_4004_11.html", "关于甲的通知", "2026-03-02"),
        ("http://127.0.0.10:8001/art/2026/3/1/art_4004_10.html", "关于乙的公告", "2026-03-01")]
    urls = hanweb.urls(hanweb.values(HANWEB_PAGE), BASE)
    assert urls == [f"http://127.0.0.10:8001/module/web/jpage/dataproxy.jsp?startrecord={s}&endrecord={e}"
                    f"&perpage=15&page=1&webid=1&columnid=4004&unitid=7" for s, e in ((46, 90), (91, 100))]
    group = "<?xml version='1.0'?><datastore><recordset>" + HANWEB_PAGE.split("<recordset>")[1]
    items, total = hanweb.read(group, urls[0])
    assert len(items) == 2 and total is None


def test_trs_json_api_discovers_its_total():
    trs = source("trs")
    assert list_sources_on(TRS_PAGE) == [trs] and list_sources_on("<ul></ul>") == []
    values = trs.values(TRS_PAGE)
    (first,) = trs.urls(values, "http://127.0.0.11:8001/col/zcwj/index.html")
    assert first == ("http://127.0.0.11:8001/fjdzapp/search?channelid=5001&classsql=chnlid=5001"
                     "&sortfield=-docorderpri,-docreltime&page=2&prepage=10")
    answer = json.dumps({"data": {"total": 34, "rows": [
        {"doctitle": " 关于丙的通知 ", "docpuburl": "/col/zcwj/202603/t20260303_9.html", "docreltime": "2026-03-03 09:00:00"},
        {"doctitle": "缺链接"}, "junk"]}})
    items, total = trs.read(answer, first)
    assert total == 34
    assert [(i.url, i.title, i.date) for i in items] == [
        ("http://127.0.0.11:8001/col/zcwj/202603/t20260303_9.html", "关于丙的通知", "2026-03-03")]
    pages = trs.urls(values, "http://127.0.0.11:8001/col/zcwj/index.html", total)
    assert [u.rsplit("&page=", 1)[1] for u in pages] == ["2&prepage=10", "3&prepage=10", "4&prepage=10"]
    assert trs.read("not json", first) == ([], None)


def test_page_without_the_arguments_gives_no_values():
    assert source("trs").values("listModel({ quickMode: 1 })") is None


def test_bad_list_source_is_named():
    with pytest.raises(ListSourceError, match="kanban.yaml: list_sources\\[0\\]: unknown list source kind 'ftp'"):
        ListSource.from_profile({"kind": "ftp", "detect": "x", "url": "y"}, "kanban.yaml: list_sources[0]")
    with pytest.raises(ListSourceError, match="needs a valid 'url'"):
        ListSource.from_profile({"kind": "json_api", "detect": "x"}, "p.yaml")
