"""整改通知书: a printable rectification notice per bureau (HTML with print CSS) and, where
headless Chromium is installed, its PDF made by Chromium's own print-to-PDF."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from auditor.workdays import CalendarGap, add_working_days

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer")
DEFAULT_REPLY_DAYS = 15


def notice_settings(registry: dict[str, Any], province: str) -> dict[str, Any]:
    """The registry's ``notice`` block with defaults: issuer, reply_working_days, contact."""
    notice = registry.get("notice") or {}
    return {"issuer": notice.get("issuer") or f"{province}政务公开办公室",
            "reply_working_days": int(notice.get("reply_working_days") or DEFAULT_REPLY_DAYS),
            "contact": notice.get("contact") or ""}


def reply_deadline(audit_date: dt.date, working_days: int) -> tuple[dt.date, str]:
    """The reply date, in working days after the audit; in calendar days where the working-day
    calendar does not cover the year (and the notice says so)."""
    try:
        return add_working_days(audit_date, working_days), f"{working_days}个工作日"
    except CalendarGap:
        return audit_date + dt.timedelta(days=working_days * 7 // 5), f"{working_days * 7 // 5}日（按自然日计）"


def find_chromium() -> str | None:
    """Chromium's path: ``ZWGK_CHROMIUM`` if set, else the first of the usual names on PATH."""
    configured = os.environ.get("ZWGK_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def print_pdf(chromium: str, page: Path, pdf: Path, timeout: float = 60) -> bool:
    """Print one HTML file to PDF with headless Chromium; written to a temporary name then renamed,
    so a half-written PDF never carries the real name. False when Chromium failed."""
    partial = pdf.with_suffix(".pdf.part")
    with tempfile.TemporaryDirectory(prefix="zwgk-chromium-") as profile:
        try:
            done = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                                   f"--print-to-pdf={partial}", page.resolve().as_uri()],
                                  capture_output=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired):
            return False
    if done.returncode != 0 or not partial.exists() or not partial.read_bytes().startswith(b"%PDF"):
        partial.unlink(missing_ok=True)
        return False
    partial.replace(pdf)
    return True
