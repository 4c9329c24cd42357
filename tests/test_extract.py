"""The extractor against every real page in shared/corpus (SOURCES.md ground truth), the
simulator's pages, and encodings."""

from __future__ import annotations

import json

import pytest

from auditor.extract import extract_metadata, extract_page
from auditor.extract.document import page_text
from auditor.extract.encoding import decode

FIELDS = ("index_no", "category", "publisher", "subject", "title", "doc_no", "published", "written", "validity")
# field → value as SOURCES.md gives it (label variants normalised; 来源 is a lower-priority publisher)
TRUTH = {
    "govcn_detail_1.html": dict(
        index_no="000014349/2020-00131", subject="综合政务\\政务公开", publisher="国务院办公厅",
        written="2020-12-07", title="国务院办公厅关于印发《公共企事业单位信息公开规定制定办法》的通知",
        doc_no="国办发〔2020〕50号", published="2020-12-21", category=None, validity=None),
    "govcn_zhengceku_detail_2.fragment.html": dict(
        index_no=None, title="中国人民银行等八部门联合印发《关于金融支持服务业扩能提质的指导意见》",
        publisher="中国人民银行 金融监管总局 中国证监会 国家发展改革委 工业和信息化部 财政部 商务部 文化和旅游部",
        doc_no=None, subject="财政、金融、审计\\其他", written="2026-09-25", published=None, category=None,
        validity=None),
    "fujian_pingtan_detail_1.fragment.html": dict(
        index_no="PZ00108-3000-2012-00001", subject="无", publisher="平潭综合实验区财政金融局",
        written="2012-08-20", title="关于实施非税收入收缴管理信息系统的通知", doc_no="岚综实财〔2012〕51号",
        published="2012-08-21", validity="有效", category=None),
    "anhui_xuancheng_detail_2.txt": dict(
        index_no="11341700MB1631138U/202312-00030", category="工作推进", publisher="宣城市自然资源和规划局",
        subject="自然资源、规划", title="宣城市自然资源和规划局2023年度政务公开工作总结", doc_no=None,
        published="2023-12-15", written=None, validity=None),
    "anhui_anqing_detail_1.txt": dict(  # 信息分类 maps to subject (the label contract)
        index_no="003110926/201510-00216", category=None, publisher="市交通运输局",
        published="2015-10-15", title="关于印发安庆市政务公开工作领导小组工作规则等公开制度的通知", doc_no=None,
        subject="信息公开制度", written=None, validity=None),
    "henan_zhecheng_detail_1.html": dict(
        published="2018-06-28", publisher="政府办秘书科", doc_no="柘政〔2018〕16号",
        title="柘城县人民政府关于开发设立公益性务工岗位助力脱贫攻坚的实施意见", index_no=None, category=None,
        subject=None, written=None, validity=None),
    "henan_zhecheng_detail_2.html": dict(
        published="2018-07-09", publisher="县气象局", title="柘城未来一周条天气预报（2018年第22期）",
        index_no=None, doc_no=None, category=None, subject=None, written=None, validity=None),
    "henan_zhecheng_detail_3.html": dict(
        published="2018-06-12", publisher="河南政府网", title="图解：河南推进县域内城乡义务教育一体化改革发展",
        index_no=None, doc_no=None, category=None, subject=None, written=None, validity=None),
    "henan_zhecheng_guide_1.html": dict(
        published="2017-03-02", publisher="政府办", title="柘城县信息公开指南", index_no=None, doc_no=None,
        category=None, subject=None, written=None, validity=None),
}
RAW_LABELS = {
    "govcn_detail_1.html": {"索引号", "主题分类", "发文机关", "成文日期", "标题", "发文字号", "发布日期"},
    "govcn_zhengceku_detail_2.fragment.html": {"标题", "发文机关", "发文字号", "来源", "主题分类", "公文种类", "成文日期"},
    "anhui_anqing_detail_1.txt": {"索引号", "信息分类", "发布机构", "发布日期", "信息来源", "关键词", "主题分类",
                                  "服务对象分类", "体裁分类", "生命周期分类", "文号", "信息格式/语种", "信息名称"},
}


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_corpus_ground_truth(corpus, name):
    meta = extract_metadata((corpus / name).read_bytes()).to_dict()
    assert {f: meta[f] for f in FIELDS} == TRUTH[name]
    assert meta["conflicts"] == []


@pytest.mark.parametrize("name", sorted(RAW_LABELS))
def test_corpus_raw_labels(corpus, name):
    raw = extract_metadata((corpus / name).read_bytes()).raw
    assert RAW_LABELS[name] <= set(raw)


def test_every_corpus_detail_is_covered(corpus):
    details = {p.name for p in corpus.iterdir() if "detail" in p.name or "guide" in p.name}
    assert details == set(TRUTH)


def test_desktop_and_mobile_copies_agree(corpus):
    raw = extract_metadata((corpus / "govcn_detail_1.html").read_bytes())
    assert raw.raw["索引号"] == "000014349/2020-00131" and raw.conflicts == []
    html = (corpus / "govcn_detail_1.html").read_text(encoding="utf-8")
    tampered = html.replace("<p>国办发〔2020〕50号</p>", "<p>国办发〔2020〕51号</p>")
    meta = extract_metadata(tampered)
    assert meta.doc_no == "国办发〔2020〕50号"
    assert meta.conflicts == [{"label": "发文字号", "first": "国办发〔2020〕50号", "second": "国办发〔2020〕51号"}]


def test_simulated_pages_round_trip(province):
    """Every family's detail pages read back exactly what the simulator wrote."""
    from auditor.simulator.province import build_province
    from auditor.simulator.render import write_province

    sim = build_province(1)
    write_province(sim, province)  # same seed: the same files, and the documents now know their paths
    checked = 0
    for bureau in sim.bureaus:
        for doc in bureau.documents:
            meta = extract_metadata((province / "sites" / bureau.id / doc.path.lstrip("/")).read_bytes())
            assert meta.title == doc.title
            assert meta.published == doc.published.isoformat()
            assert meta.doc_no == doc.doc_no
            assert meta.publisher == doc.publisher
            if bureau.family != "empirecms":
                assert meta.index_no == doc.index_no
                assert meta.written == (doc.written.isoformat() if doc.written else None)
            checked += 1
    assert checked == sum(len(b.documents) for b in sim.bureaus) > 1800


def test_meta_tags_fill_gaps_and_are_kept(corpus):
    meta = extract_metadata((corpus / "govcn_detail_1.html").read_bytes())
    assert meta.raw["meta:manuscriptId"] == "5571847" and meta.raw["meta:firstpublishedtime"] == "2020-12-21-14:55:00"
    page = ('<html><head><meta name="ArticleTitle" content="关于做好耕地保护工作的通知">'
            '<meta content="2026-09-28-21:50:00" name="firstpublishedtime"><meta name="ColumnName" content="通知公告">'
            '</head><body><p>正文</p></body></html>')
    meta = extract_metadata(page)
    assert (meta.title, meta.published, meta.category) == ("关于做好耕地保护工作的通知", "2026-09-28", "通知公告")


def test_gbk_page_with_wrong_header_is_read_right():
    page = "<html><head><title>测试</title></head><body><table><tr><td>索引号：</td><td>ABC</td>" \
           "<td>发布日期：</td><td>2025年3月4日</td></tr></table></body></html>"
    data = page.encode("gbk")
    decoded = decode(data, "text/html; charset=utf-8")
    assert decoded.encoding == "gb18030" and decoded.guessed
    result = extract_page(data, "text/html; charset=utf-8")
    assert result["index_no"] == "ABC" and result["published"] == "2025-03-04" and result["title"] == "测试"


PAGE = "<html><body><p>索引号：11341800MB2914172N/202603-00001 发布机构：宣城市财政局</p></body></html>"


@pytest.mark.parametrize("data, header, encoding, guessed", [
    ("索引号".encode("utf-8-sig"), None, "utf-8", False),  # BOM
    ('<meta charset="gb2312"><p>发布机构</p>'.encode("gbk"), None, "gb18030", False),  # meta
    (PAGE.encode("gbk"), "text/html; charset=GBK", "gb18030", False),  # header
    (PAGE.encode("gbk"), "text/html; charset=utf-8", "gb18030", True),  # wrong header, GBK bytes
    (PAGE.encode("utf-8"), "text/html; charset=gb2312", "utf-8", True),  # wrong header, UTF-8 bytes
    (PAGE.encode("utf-8"), None, "utf-8", True),  # nothing declared
    (PAGE.encode("utf-8")[:-30] + b"\xe5\x8f" + PAGE.encode("utf-8")[-30:], "text/html; charset=utf-8", "utf-8", True),
])
def test_encoding_detection(data, header, encoding, guessed):
    decoded = decode(data, header)
    assert (decoded.encoding, decoded.guessed) == (encoding, guessed)
    assert "宣城市财政局" in decoded.text or "发布机构" in decoded.text or "索引号" in decoded.text


def test_inline_runs_and_hostile_markup():
    html = ('<div><span>发布日期：<b>2018-06-28 08:43:47</b></span> <span>来源：<b>政府办</b></span></div>'
            '<h1><script>alert(1)</script>关于测试的公告</h1>')
    meta = extract_metadata(html)
    assert (meta.published, meta.publisher, meta.title) == ("2018-06-28", "政府办", "关于测试的公告")
    assert "alert" not in json.dumps(meta.to_dict(), ensure_ascii=False)


def test_lines_split_cells_not_inline():
    page = page_text("<html><head><title>T</title></head><body><table><tr><td>标<span>&nbsp;&nbsp;</span>题："
                     "</td><td>A</td></tr></table><script>var 发布日期 = 1;</script><!-- 索引号：x --></body></html>")
    assert [line for line in page.lines.split("\n") if line.strip()] == ["标\xa0\xa0题：", "A"]
    assert "<title>T</title>" in page.head and page.body.startswith("<body><table>")


@pytest.mark.parametrize("data", [b"", b"\x00\xff\xfe", b"<html", b"<?xml version='1.0' encoding='gbk'?><a>x</a>",
                                  "<td>文号：</td>".encode(), b"<" * 1000])
def test_garbage_never_raises(data):
    assert isinstance(extract_page(data), dict)


def test_doc_no_from_the_body_only_when_no_doc_no_label_is_shown():
    body = '<h1>关于某事项的通知</h1><p><span>柘政〔</span><span> 2018 </span><span>〕 16 号</span></p><p>正文</p>'
    assert extract_metadata(body).doc_no == "柘政〔2018〕16号"
    # any 文号 label of the label table counts, even an empty one (文号 left blank = none given)
    for label in ("文号", "发文字号", "文件编号"):
        shown = f"<table><tr><td>{label}：</td><td></td><td>发布日期：</td><td>2026-01-02</td></tr></table>" + body
        assert extract_metadata(shown).doc_no is None, label


def test_unknown_labels_inside_a_metadata_block_are_kept_raw():
    page = ("<table><tr><td>索引号：</td><td>X/2026-00001</td><td>公开属性：</td><td>主动公开</td></tr>"
            "<tr><td>责任部门：</td><td>办公室</td><td>发布日期：</td><td>2026-01-02</td></tr></table>"
            "<p>正文：这不是元数据</p><p>说明：也不是</p>")
    meta = extract_metadata(page)
    assert meta.raw == {"索引号": "X/2026-00001", "发布日期": "2026-01-02", "公开属性": "主动公开", "责任部门": "办公室"}
    assert (meta.index_no, meta.published) == ("X/2026-00001", "2026-01-02")
