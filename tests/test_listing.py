"""List pages: items, dates and every pagination style, on the real corpus lists."""

from __future__ import annotations

import pytest

from auditor.extract.document import parse_html
from auditor.extract.listing import is_blank_list, list_items, page_links, pagination

MOF = "https://zj.mof.gov.cn/caizhengjiancha/"
ZC = "http://www.zhecheng.gov.cn/xxgk/xxgkml/"


def _read(corpus, name, url):
    text = (corpus / name).read_text(encoding="utf-8")
    root = parse_html(text)
    return text, root, list_items(root, url)


@pytest.mark.parametrize("name, url, count, first, last", [
    ("mof_zhejiang_list_1.html", MOF, 10, ("浙江监管局：协同推进 建立预算执行常态化监督联合工作机制", "2026-09-30"),
     ("财政部浙江监管局2025年度单位决算", "2026-08-17")),
    ("mof_zhejiang_list_2.html", MOF + "index_1.htm", 10,
     ("财政部浙江监管局：加大财政监管力度 坚定扛好守土尽责的政治担当", "2026-08-11"),
     ("财政部浙江监管局：扎实开展农业保险保费补贴资金结算审核与绩效自评复核工作", "2026-06-16")),
    ("henan_zhecheng_list_1.html", ZC + "zfwj/index.html", 25,
     ("柘城县人民政府办公室关于印发柘城县打击恶意逃废银行债务优化金融生态环境集中行动实施方案的通知", "2018-07-06"), None),
    ("henan_zhecheng_list_2.html", ZC + "zfwj/index_2.html", 25,
     ("柘城县人民政府办公室关于转发河南省政务信息资源共享管理暂行办法的通知", "2018-05-03"), None),
    ("henan_zhecheng_list_3.html", ZC + "gsgg/index.html", 15, ("县政府网站后台操作流程（附下载）", "2018-06-12"), None),
    ("henan_zhecheng_list_4.html", ZC + "zcjd/index.html", 15,
     ("河南省出台方案回应养老“三盼” 一碗汤的距离 家门口的养老", "2018-07-26"), None),
])
def test_items(corpus, name, url, count, first, last):
    _, _, items = _read(corpus, name, url)
    assert len(items) == count
    assert (items[0].title, items[0].date) == first
    if last:
        assert (items[-1].title, items[-1].date) == last


def test_full_title_from_title_attribute_and_relative_urls(corpus):
    _, _, items = _read(corpus, "mof_zhejiang_list_1.html", MOF)
    truncated = [i for i in items if "义乌" in i.title][0]
    assert not truncated.title.endswith("...")
    assert items[0].url == MOF + "202609/t20260930_3998386.htm"
    assert items[-1].url.endswith(".pdf")


def test_trs_create_page_html(corpus):
    text, root, _ = _read(corpus, "mof_zhejiang_list_1.html", MOF)
    pages = pagination(root, text, MOF)
    assert pages.total == 16 and len(pages.pages) == 15
    assert pages.pages[0] == MOF + "index_1.htm" and pages.pages[-1] == MOF + "index_15.htm"
    text, root, _ = _read(corpus, "mof_zhejiang_list_2.html", MOF + "index_1.htm")
    assert pagination(root, text, MOF + "index_1.htm").pages == []  # only page 1 fans out


def test_empirecms_last_page_link(corpus):
    text, root, _ = _read(corpus, "henan_zhecheng_list_3.html", ZC + "gsgg/index.html")
    pages = pagination(root, text, ZC + "gsgg/index.html")
    assert pages.total == 23 and len(pages.pages) == 22
    assert pages.pages[0] == ZC + "gsgg/index_2.html" and pages.pages[-1] == ZC + "gsgg/index_23.html"


def test_next_link_when_total_unknown(corpus):
    text, root, _ = _read(corpus, "henan_zhecheng_list_2.html", ZC + "zfwj/index_2.html")
    pages = pagination(root, text, ZC + "zfwj/index_2.html")
    assert pages.pages == [] and pages.next_url == ZC + "zfwj/index_3.html"


def test_catalogue_page_has_no_items_but_links(corpus):
    text, root, items = _read(corpus, "henan_zhecheng_catalog_1.html", ZC + "index.html")
    assert items == [] and not is_blank_list(text)
    names = {t for _, t in page_links(root, ZC + "index.html")}
    assert {"政策解读", "政府文件", "土地供应", "财政资金"} <= names


def test_blank_marker():
    assert is_blank_list("<ul></ul><p>暂无信息</p>") and not is_blank_list("<ul><li>x</li></ul>")


def test_unjoinable_hrefs_are_skipped_not_fatal():
    # found by the sustained fuzzer: a real footer with a broken href="http://>…"
    html = ('<ul><li><a href="http://>\n网站标识码：bm14000001&nbsp;<a href=">坏链接</a><span>2026-01-02</span></li>'
            '<li><a href="/ok.html">好链接</a><span>2026-01-03</span></li></ul>')
    root = parse_html(html)
    assert [(i.url, i.date) for i in list_items(root, MOF)] == [("https://zj.mof.gov.cn/ok.html", "2026-01-03")]
    assert [u for u, _ in page_links(root, MOF)] == ["https://zj.mof.gov.cn/ok.html"]
