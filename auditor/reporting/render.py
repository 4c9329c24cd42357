"""Render an evaluated run: the province dashboard, one page and one 整改通知书 per bureau, and the
exports. The same functions serve ``auditor serve`` (pages rendered on demand) and
``write_report`` (files). Templates are autoescaped: text a page supplied shows as text."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from auditor import USER_AGENT, __version__
from auditor.reporting import exports, model, notices
from auditor.reporting.model import BureauSummary
from auditor.resources import report_dir
from auditor.rules_engine.findings import Finding
from auditor.store import Store, now


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(report_dir() / "templates")),
                      autoescape=select_autoescape(["html", "j2"], default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(SEVERITY_LABEL=model.SEVERITY_LABEL, LEVEL_LABEL=model.LEVEL_LABEL,
                       STATUS_LABEL=model.STATUS_LABEL, heat_colour=model.heat_colour, sparkline=model.sparkline)
    env.filters["beijing"] = model.beijing_time
    return env


@dataclass
class Report:
    """Everything the pages of one run show, computed once."""

    run: dict[str, Any]
    findings: list[Finding]
    bureaus: list[BureauSummary]
    areas: list[str]
    trends: dict[str, Any]
    notice: dict[str, Any]
    reply_by: dt.date
    reply_span: str
    generated_at: str

    def records(self) -> list[dict[str, Any]]:
        """findings.json: every finding with its bureau's name."""
        names = {b.id: b.name for b in self.bureaus}
        return [{**f.to_dict(), "bureau_name": names.get(f.bureau, f.bureau)} for f in self.findings]

    @cached_property
    def shared(self) -> dict[str, Any]:
        """What every page of the run shows, computed once (a thousand bureau pages reuse it)."""
        fails = [f for f in self.findings if f.status == "fail"]
        return {"run": self.run, "bureaus": self.bureaus, "groups": model.groups(self.bureaus),
                "areas": self.areas, "trends": self.trends, "notice": self.notice, "reply_by": self.reply_by,
                "reply_span": self.reply_span, "generated_at": self.generated_at, "version": __version__,
                "severities": Counter(f.severity for f in fails), "statuses": Counter(f.status for f in self.findings),
                "failing": sum(1 for b in self.bureaus if b.outcome == "不合格"),
                "user_agent": USER_AGENT, "ignore_robots": json.loads(self.run["stats"] or "{}").get("ignore_robots", False)}

    def context(self, **extra: Any) -> dict[str, Any]:
        return {**self.shared, **extra}


def build(store: Store, run_id: int) -> Report:
    run = store.run(run_id)
    findings = model.load_findings(store, run_id)
    registry = json.loads(run["registry"])
    areas = model.areas(findings)
    settings = notices.notice_settings(registry, run["province"] or "")
    reply_by, span = notices.reply_deadline(dt.date.fromisoformat(run["audit_date"]), settings["reply_working_days"])
    return Report(run=run, findings=findings, bureaus=model.summarise(store, run_id, findings), areas=areas,
                  trends=model.trends(store, run_id, findings, areas), notice=settings, reply_by=reply_by,
                  reply_span=span, generated_at=now())


def render_index(env: Environment, report: Report, *, pdf: bool = False) -> str:
    return env.get_template("index.html").render(root="", pdf=pdf, **report.context())


def render_bureau(env: Environment, report: Report, bureau: BureauSummary, *, pdf: bool = False) -> str:
    return env.get_template("bureau.html").render(root="../", bureau=bureau, pdf=pdf, **report.context())


def render_notice(env: Environment, report: Report, bureau: BureauSummary) -> str:
    return env.get_template("notice.html").render(root="../", bureau=bureau, **report.context())


def archived_copies(store: Store, report: Report) -> Iterator[tuple[str, dict[str, Any]]]:
    """(sha256, the archived response from the run's WARC) of every page a gap rests on, in
    file order (each WARC opened once, read forwards)."""
    from auditor.evidence import ArchiveReader
    from auditor.extract.document import page_text, visible_text
    from auditor.extract.encoding import decode

    urls = {f.evidence["url"] for f in report.findings if f.status == "fail" and f.evidence.get("warc")}
    pages: dict[str, dict[str, Any]] = {}
    for page in store.rows("SELECT url, fetched_at, sha256, warc_file, warc_record, warc_offset, content_type "
                           "FROM pages WHERE run_id = ? AND warc_file IS NOT NULL", [report.run["id"]]):
        if page["url"] in urls:
            pages.setdefault(page["sha256"], page)
    with ArchiveReader(store.path.parent) as archive:
        for sha, page in sorted(pages.items(), key=lambda item: (item[1]["warc_file"], item[1]["warc_offset"])):
            record = archive.read(page)
            if record is None:
                continue
            kind = (page["content_type"] or "").split(";")[0].strip().lower()
            text = visible_text(page_text(decode(record.body, page["content_type"]).text).lines) if "html" in kind or not kind else None
            yield sha, {**page, "status": record.status, "headers": record.headers, "text": text,
                        "verified": record.sha256 == page["sha256"], "size": len(record.body)}


def write_archive(store: Store, report: Report, env: Environment, folder: Path) -> None:
    """One page per archived copy a gap rests on: the response as it was seen, as text (the page's
    own HTML and scripts are never served from the report)."""
    folder.mkdir(parents=True, exist_ok=True)
    template = env.get_template("archive.html")
    context = {key: value for key, value in report.context().items()
               if key in ("run", "generated_at", "version", "user_agent", "ignore_robots")}  # what the page shows
    for sha, copy in archived_copies(store, report):
        (folder / f"{sha}.html").write_text(template.render(root="../", copy=copy, **context), encoding="utf-8")


def write_report(store: Store, run_id: int, out: Path, *, pdf: bool = False) -> Path:
    """Write the full report set for ``run_id`` into ``out``; return the province page. With
    ``pdf``, each 整改通知书 is also printed to PDF by headless Chromium (when installed)."""
    report = build(store, run_id)
    env = environment()
    chromium = notices.find_chromium() if pdf else None
    for folder in ("bureau", "notice"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    shutil.copytree(report_dir() / "static", out / "static", dirs_exist_ok=True)
    for bureau in report.bureaus:
        (out / "notice" / f"{bureau.id}.html").write_text(render_notice(env, report, bureau), encoding="utf-8")
        if chromium:
            notices.print_pdf(chromium, out / "notice" / f"{bureau.id}.html", out / "notice" / f"{bureau.id}.pdf")
    made_pdf = chromium is not None
    for bureau in report.bureaus:
        (out / "bureau" / f"{bureau.id}.html").write_text(render_bureau(env, report, bureau, pdf=made_pdf),
                                                          encoding="utf-8")
    write_archive(store, report, env, out / "archive")
    records = report.records()
    # one line: indent would switch json to its pure-Python encoder (ten times slower at 50,000 findings)
    (out / "findings.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    (out / "findings.csv").write_bytes(exports.findings_csv(records).encode("utf-8-sig"))
    exports.write_xlsx(out / "findings.xlsx", report.bureaus, records)
    index = out / "index.html"
    index.write_text(render_index(env, report, pdf=made_pdf), encoding="utf-8")
    return index
