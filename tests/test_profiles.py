"""CMS profile detection from page markers, and profiles added as data."""

from __future__ import annotations

import json

import pytest

from auditor.profiles import GENERIC, ProfileError, detect, load_profiles
from auditor.registry import RegistryError, load_registry
from tests.conftest import run_auditor


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


KAIPU = ("name: kaipu\ntitle: 开普云\nmarkers:\n  - {where: html, pattern: 'ucap-kaipu', weight: 0.8}\n")


def test_a_broken_profile_names_file_line_and_key(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "name: bad\ntitle: 坏\nmarkers:\n  - {where: body, pattern: '(', weight: 3}\ncolour: red\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profiles(str(tmp_path))
    path = tmp_path / "bad.yaml"
    assert caught.value.problems == [
        f"{path}:5: colour: unknown key (allowed: name, title, markers, content, required_fields, list_sources)",
        f"{path}:4: markers[0].where: must be 'url' or 'html'",
        f"{path}:4: markers[0].pattern: is not a valid regular expression: missing ), unterminated subpattern at position 0",
        f"{path}:4: markers[0].weight: must be a number in (0, 1]",
    ]


def test_registry_points_at_extra_profiles(tmp_path):
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "kaipu.yaml").write_text(KAIPU, encoding="utf-8")
    sites = tmp_path / "sites.yaml"
    sites.write_text("province: 测试省\nprofiles: profiles\nbureaus:\n"
                     "  - {id: a, name: 甲局, region: '340000', level: city, kind: finance,\n"
                     "     start_urls: ['http://127.0.0.2/'], profile: kaipu}\n"
                     "  - {id: b, name: 乙局, region: '340000', level: city, kind: finance,\n"
                     "     start_urls: ['http://127.0.0.3/'], profile: kaipoo}\n", encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_registry(sites)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(f"{sites}:7: bureaus[1].profile: unknown profile 'kaipoo' (known: ")
    assert "kaipu" in caught.value.problems[0]
    sites.write_text(sites.read_text(encoding="utf-8").replace("kaipoo", "auto"), encoding="utf-8")
    registry = load_registry(sites)
    assert registry.profiles_dir == str((tmp_path / "profiles").resolve())
    assert load_profiles(registry.profiles_dir)["kaipu"].title == "开普云"
    sites.write_text(sites.read_text(encoding="utf-8").replace("profiles: profiles", "profiles: nowhere"),
                     encoding="utf-8")
    with pytest.raises(RegistryError, match=r"sites.yaml:2: profiles: no such folder: "):
        load_registry(sites)


def test_extract_cli_detects_with_extra_profiles(tmp_path):
    (tmp_path / "kaipu.yaml").write_text(KAIPU, encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<html><body><div class='ucap-kaipu'>标题：测试</div></body></html>", encoding="utf-8")
    plain = json.loads(run_auditor("extract", str(page)).stdout)
    extra = json.loads(run_auditor("extract", str(page), "--profiles", str(tmp_path)).stdout)
    assert (plain["profile"], extra["profile"], extra["profile_confidence"]) == ("generic", "kaipu", 0.8)
    (tmp_path / "broken.yaml").write_text("name: [\n", encoding="utf-8")
    broken = run_auditor("extract", str(page), "--profiles", str(tmp_path))
    assert broken.returncode == 2 and f"{tmp_path / 'broken.yaml'}:2: (syntax)" in broken.stderr
