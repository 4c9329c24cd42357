"""CMS profile detection from page markers, and profiles added as data."""

from __future__ import annotations

import pytest

from auditor.profiles import GENERIC, detect, load_profiles


@pytest.mark.parametrize("name, url, expected", [
    ("govcn_detail_1.html", "https://www.gov.cn/zhengce/content/2020-12/21/content_5571847.htm", "govcn"),
    ("mof_zhejiang_list_1.html", "https://zj.mof.gov.cn/caizhengjiancha/", "trs"),
    ("fujian_pingtan_detail_1.fragment.html", "https://www.pingtan.gov.cn/zwgk/201208/t20120821_53166.htm", "trs"),
    ("henan_zhecheng_detail_1.html", "http://www.zhecheng.gov.cn/xxgk/2018-07-12/6821.html", "empirecms"),
    ("anhui_xuancheng_detail_2.txt", "https://www.xuancheng.gov.cn/OpennessContent/show/2260033.html", "anhui_openness"),
])
def test_detect_real_pages(corpus, name, url, expected):
    profile, confidence = detect(url, (corpus / name).read_text(encoding="utf-8"))
    assert profile.name == expected and 0.5 <= confidence <= 1.0


def test_unknown_page_is_generic():
    profile, confidence = detect("http://127.0.0.2/a.html", "<html><body>你好</body></html>")
    assert profile is GENERIC and confidence == 0.0


def test_a_new_platform_is_a_yaml_file(tmp_path):
    (tmp_path / "kaipu.yaml").write_text(
        "name: kaipu\ntitle: 开普云\nmarkers:\n  - {where: html, pattern: 'ucap-kaipu', weight: 0.8}\n"
        "content: \"//div[@id='zoom']\"\nrequired_fields: [index_no, published]\n", encoding="utf-8")
    profiles = load_profiles(str(tmp_path))
    assert profiles["kaipu"].required_fields == ("index_no", "published")
    assert profiles["kaipu"].score("http://x/", "<div class='ucap-kaipu'>") == 0.8
    assert {"anhui_openness", "trs", "empirecms", "govcn", "hanweb", "generic"} <= profiles.keys()
