"""The demo province: deterministic for a seed, realistic volume, every planted kind in the truth."""

from __future__ import annotations

import hashlib
import http.client
import json
import urllib.error
import urllib.request
from pathlib import Path

import yaml

from auditor.simulator import simulate
from auditor.simulator.server import serve_province


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != "sites.yaml":
            h.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_province(tmp_path):
    simulate(tmp_path / "a", seed=7)
    simulate(tmp_path / "b", seed=7)
    simulate(tmp_path / "c", seed=8)
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")


def test_shape(province):
    manifest = json.loads((province / "manifest.json").read_text(encoding="utf-8"))
    bureaus = manifest["bureaus"]
    assert len(bureaus) == 10
    assert {b["level"] for b in bureaus} == {"city", "county"}
    assert len({b["region"] for b in bureaus}) == 5
    assert {b["kind"] for b in bureaus} == {"natural_resources", "finance"}
    assert {b["family"] for b in bureaus} == {"anhui", "trs", "empirecms", "hanweb", "trs_dynamic"}
    assert len({b["address"] for b in bureaus}) == 10
    assert all(b["documents"] >= 180 for b in bureaus)
    truth = json.loads((province / "ground_truth.json").read_text(encoding="utf-8"))
    notes = " ".join(d["note"] for d in truth["defects"])
    assert "跨国庆" in notes and "未发布" in notes and "晚于" in notes
    assert "第二组记录" in notes and "检索接口第2页" in notes


def test_dynamic_endpoints_are_served(province):
    with serve_province(province) as sites_yaml:
        registry = yaml.safe_load(sites_yaml.read_text(encoding="utf-8"))
        urls = {b["id"]: b["start_urls"][0] for b in registry["bureaus"]}
        hanweb = urls["jxi-zrzy"] + ("module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=61&perpage=15&page=1"
                                     "&webid=1&path=/&columnid=4004&unitid=2658240&permissiontype=0")
        with urllib.request.urlopen(hanweb) as response:
            body = response.read().decode("utf-8")
            assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
            assert body.startswith("<?xml") and body.count("<record>") == 16
        api = urls["jxi-czj"] + ("fjdzapp/search?channelid=5001&classsql=chnlid=5001&sortfield=-docorderpri,-docreltime"
                                 "&page=2&prepage=10")
        with urllib.request.urlopen(api) as response:
            data = json.loads(response.read())
            assert response.headers["Content-Type"] == "application/json; charset=utf-8"
            assert data["data"]["total"] == 24 and len(data["data"]["rows"]) == 10


def test_served_over_loopback_with_real_encodings(province):
    with serve_province(province) as sites_yaml:
        registry = yaml.safe_load(sites_yaml.read_text(encoding="utf-8"))
        urls = {b["id"]: b["start_urls"][0] for b in registry["bureaus"]}
        assert all(u.startswith("http://127.0.0.") for u in urls.values())
        with urllib.request.urlopen(urls["xz-zrzy"]) as response:
            assert response.headers["Content-Type"] == "text/html; charset=gb2312"
            assert "自然资源和规划局".encode("gbk") in response.read()
        try:
            urllib.request.urlopen(urls["jx-czj"])
            raise AssertionError("the down site answered")
        except urllib.error.HTTPError as exc:
            assert exc.code == 503
        try:
            urllib.request.urlopen(urls["xc-zrzy"] + "../../etc/passwd")
            raise AssertionError("path traversal served a file")
        except urllib.error.HTTPError as exc:
            assert exc.code == 404


def test_only_the_sites_own_files_are_served(province):
    """Paths are made absolute without the file system's help: what leaves the site's folder, a
    folder itself, a NUL, all answer 404; the site's own files are served."""
    with serve_province(province) as sites_yaml:
        registry = yaml.safe_load(sites_yaml.read_text(encoding="utf-8"))
        host = registry["bureaus"][0]["start_urls"][0].split("/")[2]
        sibling = registry["bureaus"][1]["id"]
        connection = http.client.HTTPConnection(host, timeout=10)

        def status(path: str) -> tuple[int, bytes]:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()

        assert status("/index.html")[0] == 200
        assert status("/")[0] == 200
        assert status(f"/../{sibling}/index.html")[0] == 404  # another site's folder
        assert status("/%2e%2e/%2e%2e/manifest.json")[0] == 404  # escaped ..
        assert status("/OpennessContent")[0] == 404  # a folder
        assert status("/index.html%00.pdf")[0] == 404
        served, body = status("/index.html")  # the connection is still good after the 404s
        assert served == 200 and b"<html" in body.lower()
