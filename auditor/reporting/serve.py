"""``auditor serve --db FILE``: browse every audit in a store, with the report pages rendered on
demand from the store (the same templates as the files ``auditor report`` writes).

Chosen over Datasette: the users are a provincial office and county clerks who need the Chinese
report pages, the exports and the 整改通知书 of any past audit, not SQL; this needs no server
package and no second schema to keep in step. Read-only, bound to 127.0.0.1 by default.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from auditor.reporting import exports, notices, render
from auditor.resources import report_dir
from auditor.store import Store

_RUN_PAGE = re.compile(r"^/runs/(\d+)/(index\.html|bureau/([\w\-]+)\.html|notice/([\w\-]+)\.(html|pdf)|"
                       r"findings\.(json|csv|xlsx))?$")
_STATIC = re.compile(r"^(?:/runs/\d+)?/static/([\w\-.]+)$")
TYPES = {"html": "text/html; charset=utf-8", "json": "application/json; charset=utf-8",
         "csv": "text/csv; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


class Site:
    """The store and the reports already built, one per run (rebuilt when its findings change)."""

    def __init__(self, db: Path):
        self.db = db
        self.lock = threading.Lock()
        self.reports: dict[int, tuple[int, render.Report]] = {}
        self.env = render.environment()

    def report(self, run_id: int) -> render.Report:
        with self.lock:
            store = Store(self.db)
            try:
                store.run(run_id)
                stamp = store.count("findings", "run_id = ?", [run_id])
                cached = self.reports.get(run_id)
                if cached is None or cached[0] != stamp:
                    self.reports[run_id] = (stamp, render.build(store, run_id))
                return self.reports[run_id][1]
            finally:
                store.close()

    def runs(self) -> list[dict[str, Any]]:
        store = Store(self.db)
        try:
            return store.rows("SELECT r.id, r.audit_date, r.province, r.status, r.catalogue_version, r.started_at, "
                              "(SELECT COUNT(*) FROM bureaus b WHERE b.run_id = r.id) AS bureaus, "
                              "(SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND f.status = 'fail') AS fails "
                              "FROM runs r ORDER BY r.id DESC")
        finally:
            store.close()

    def page(self, path: str) -> tuple[bytes, str] | None:
        """(body, content type) for a path, or None when there is no such page."""
        if path in ("/", "/index.html"):
            html = self.env.get_template("runs.html").render(runs=self.runs(), db=str(self.db))
            return html.encode("utf-8"), TYPES["html"]
        static = _STATIC.match(path)
        if static:  # only the package's own files, by bare name
            file = report_dir() / "static" / Path(static.group(1)).name
            return (file.read_bytes(), TYPES.get(file.suffix.lstrip("."), "application/octet-stream")) if file.is_file() else None
        match = _RUN_PAGE.match(path)
        if not match:
            return None
        run_id, rest = int(match.group(1)), match.group(2) or "index.html"
        try:
            report = self.report(run_id)
        except LookupError:
            return None
        bureaus = {b.id: b for b in report.bureaus}
        if rest == "index.html":
            return render.render_index(self.env, report).encode("utf-8"), TYPES["html"]
        if match.group(3):
            bureau = bureaus.get(match.group(3))
            return (render.render_bureau(self.env, report, bureau).encode("utf-8"), TYPES["html"]) if bureau else None
        if match.group(4):
            bureau = bureaus.get(match.group(4))
            if bureau is None:
                return None
            html = render.render_notice(self.env, report, bureau)
            return (html.encode("utf-8"), TYPES["html"]) if match.group(5) == "html" else self._pdf(html)
        return self._export(report, match.group(6))

    def _export(self, report: render.Report, kind: str) -> tuple[bytes, str]:
        records = report.records()
        if kind == "json":
            return json.dumps(records, ensure_ascii=False).encode("utf-8"), TYPES["json"]
        if kind == "csv":
            return exports.findings_csv(records).encode("utf-8-sig"), TYPES["csv"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "findings.xlsx"
            exports.write_xlsx(path, report.bureaus, records)
            return path.read_bytes(), TYPES["xlsx"]

    def _pdf(self, html: str) -> tuple[bytes, str] | None:
        chromium = notices.find_chromium()
        if chromium is None:
            return None
        with tempfile.TemporaryDirectory() as folder:
            page = Path(folder) / "notice" / "notice.html"
            page.parent.mkdir()
            page.write_text(html, encoding="utf-8")
            (Path(folder) / "static").mkdir()
            (Path(folder) / "static" / "notice.css").write_bytes((report_dir() / "static" / "notice.css").read_bytes())
            pdf = page.with_suffix(".pdf")
            return (pdf.read_bytes(), TYPES["pdf"]) if notices.print_pdf(chromium, page, pdf) else None


def handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "zwgk-auditor"

        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            try:
                page = site.page(path)
            except Exception as exc:  # noqa: BLE001 - one bad page must not stop the server
                self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(exc).__name__}: {exc}")
                return
            if page is None:
                self.send_error(HTTPStatus.NOT_FOUND, "no such page")
                return
            body, content_type = page
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # quiet: the CLI prints the address once

    return Handler


def make_server(db: Path, host: str = "127.0.0.1", port: int = 8765) -> ThreadingHTTPServer:
    if not db.exists():
        raise FileNotFoundError(f"no store at {db}")
    return ThreadingHTTPServer((host, port), handler(Site(db)))
