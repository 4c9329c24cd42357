"""The demo's report in real headless Chromium (Debian ``chromium``, driven by Playwright without
downloading a browser): no console errors, screenshots kept as test artifacts, the heat map drawn
and linked, the filters and sorting working, and the 整改通知书 printed to PDF.

Chromium missing: skipped on a developer machine, a failure where ``ZWGK_REQUIRE_CHROMIUM=1``
(set by the CI set-up, which installs it), so a missing install step cannot pass silently."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from auditor.reporting.notices import CHROMIUM_FLAGS, find_chromium, print_pdf
from tests.conftest import REPO

ARTIFACTS = Path(os.environ.get("ZWGK_ARTIFACTS", REPO / "test-artifacts"))


@pytest.fixture(scope="module")
def browser():
    chromium = find_chromium()
    if chromium is None:
        if os.environ.get("ZWGK_REQUIRE_CHROMIUM") == "1":
            pytest.fail("Chromium is required (ZWGK_REQUIRE_CHROMIUM=1) but was not found")
        pytest.skip("Chromium not installed")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=[f for f in CHROMIUM_FLAGS if f != "--headless"])
        yield launched
        launched.close()


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
    page.goto(url)
    return page, problems


def test_province_page(browser, demo_audit):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = demo_audit["out"]
    page, problems = open_page(browser, (out / "index.html").as_uri())
    page.screenshot(path=str(ARTIFACTS / "province.png"), full_page=True)
    assert problems == []
    assert page.title() == "安徽省政务公开检查报告（2026-11-29）"
    findings = demo_audit["findings"]
    bureaus = {f["bureau"] for f in findings}
    areas = {f["area"] for f in findings}
    # the heat map: one linked cell per bureau and area, coloured by its gaps
    assert page.locator("#heat a.cell").count() == len(bureaus) * len(areas)
    fails = sum(1 for f in findings if f["bureau"] == "lx-zrzy" and f["area"] == "网站检查" and f["status"] == "fail")
    cell = page.locator('#heat a.cell[data-bureau="lx-zrzy"][data-area="网站检查"]')
    assert cell.get_attribute("data-gaps") == str(fails) and cell.get_attribute("href") == "bureau/lx-zrzy.html#area-网站检查"
    assert cell.locator("rect").get_attribute("fill") != "#e8f3e8"  # not the no-gap colour
    # the filters: shown by the script, and they hide rows
    rows = page.locator("#ranking-table tbody tr")
    assert page.locator("#filters").is_visible() and rows.count() == len(bureaus)
    page.fill("#f-name", "财政局")
    assert page.locator("#ranking-table tbody tr:not([hidden])").count() == 5
    assert page.locator("#f-count").inner_text() == "显示 5 / 10 个单位"
    page.fill("#f-name", "")
    # clicking an area on the heat map keeps the bureaus with gaps there
    page.locator('#heat .area-label[data-area="矿业权"]').click()
    visible = page.locator("#ranking-table tbody tr:not([hidden])")
    with_mining = {f["bureau"] for f in findings if f["area"] == "矿业权" and f["status"] == "fail"}
    assert visible.count() == len(with_mining) == 1 and page.input_value("#f-area") == "矿业权"
    page.locator('#heat .area-label[data-area="矿业权"]').click()
    # sorting by score, lowest first
    page.click('button[data-sort="score"]')
    scores = [int(s) for s in page.locator("#ranking-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.score)")]
    assert scores == sorted(scores) and len(scores) == 10
    assert problems == []


def test_province_page_reads_without_javascript(browser, demo_audit):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((demo_audit["out"] / "index.html").as_uri())
    assert page.locator("#filters").is_hidden()  # no dead controls
    assert page.locator("#ranking-table tbody tr:visible").count() == 10
    context.close()


def test_bureau_page_and_notice(browser, demo_audit, tmp_path):
    out = demo_audit["out"]
    page, problems = open_page(browser, (out / "bureau" / "xc-zrzy.html").as_uri() + "#area-土地征收")
    page.screenshot(path=str(ARTIFACTS / "bureau.png"), full_page=True)
    assert problems == []
    assert page.locator("h1").inner_text() == "宣城市自然资源和规划局"
    gaps = sum(1 for f in demo_audit["findings"] if f["bureau"] == "xc-zrzy" and f["status"] == "fail")
    assert page.locator("article.gap").count() == gaps
    assert page.locator("#area-土地征收").is_visible()
    assert page.locator("h2#untestable").is_visible() and page.locator("details").count() >= 1
    notice, problems = open_page(browser, (out / "notice" / "xc-zrzy.html").as_uri())
    notice.screenshot(path=str(ARTIFACTS / "notice.png"), full_page=False)
    assert problems == [] and notice.locator("tbody tr").count() == gaps + 2  # gaps, then the receipt rows
    pdf = tmp_path / "notice.pdf"
    assert print_pdf(find_chromium(), out / "notice" / "xc-zrzy.html", pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_exports_hold_the_findings_of_the_json(demo_audit):
    import csv
    import io

    import openpyxl

    records = demo_audit["findings"]
    expected = {(r["bureau"], r["rule"], r["status"], r["subject"]) for r in records}
    book = openpyxl.load_workbook(demo_audit["out"] / "findings.xlsx", read_only=True)
    status = {"不符合": "fail", "符合": "pass", "不适用": "na", "无法检查": "untestable"}
    from_xlsx = {(sheet.title.split(" ")[0], row[0], status[row[2]], row[5])
                 for sheet in book.worksheets[2:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert from_xlsx == expected and len(book.sheetnames) == 12
    raw = (demo_audit["out"] / "findings.csv").read_text(encoding="utf-8-sig")
    from_csv = {(r["bureau"], r["rule"], r["status"], r["subject"]) for r in csv.DictReader(io.StringIO(raw))}
    assert from_csv == expected
    assert json.loads((demo_audit["out"] / "findings.json").read_text(encoding="utf-8")) == records
