"""Run the crawl as its own process (``scrapy crawl disclosure``) and report its progress.

The crawl writes the store; this side only reads it to show pages fetched, bureaus done and
the rate. Keeping Scrapy's reactor in a child process keeps the other stages plain Python.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from auditor.progress import Progress
from auditor.registry import Registry
from auditor.store import Store
from auditor.writer import WRITER_FAILED_EXIT


class CrawlFailed(RuntimeError):
    pass


def run_crawl(registry: Registry, store: Store, run_id: int, *, only: tuple[str, ...] = (),
              log_file: Path | None = None, progress: Progress | None = None,
              settings: dict[str, str] | None = None, previous: int | None = None,
              share: float | None = None, resume: bool = False) -> dict[str, int]:
    """Crawl every bureau of ``registry`` (or ``only`` those) into ``run_id``; return counts. With
    ``previous`` (a completed run), the crawl is incremental: known, unchanged documents are
    carried over instead of fetched again."""
    command = [sys.executable, "-m", "scrapy", "crawl", "disclosure",
               "-a", f"sites={registry.path}", "-a", f"db={store.path}", "-a", f"run_id={run_id}"]
    if only:
        command += ["-a", f"only={','.join(only)}"]
    if previous:
        command += ["-a", f"previous={previous}"]
    if share is not None:
        command += ["-a", f"share={share}"]
    if resume:
        command += ["-a", "resume=1"]
    for key, value in (settings or {}).items():
        command += ["-s", f"{key}={value}"]
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="spiders.settings")
    log = open(log_file, "ab") if log_file else subprocess.DEVNULL
    total = len(only) or len(registry.bureaus)
    started = time.monotonic()
    try:
        process = subprocess.Popen(command, stdout=log, stderr=log, env=env)
        while process.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.5)  # returns as soon as the crawl ends
            if progress and process.returncode is None:
                pages = store.count("pages", "run_id = ?", [run_id])
                done = store.count("bureaus", "run_id = ? AND crawl_finished_at IS NOT NULL", [run_id])
                rate = pages / max(time.monotonic() - started, 1e-6)
                progress.update(f"抓取 crawl: {pages} pages · {done}/{total} bureaus done · {rate:.0f} pages/s")
    finally:
        if log_file:
            log.close()
    elapsed = time.monotonic() - started
    pages = store.count("pages", "run_id = ?", [run_id])
    if progress:
        progress.done(f"抓取完成 crawl done: {pages} pages in {elapsed:.1f}s "
                      f"({pages / max(elapsed, 1e-6):.0f} pages/s)")
    if process.returncode != 0:
        where = f"; see {log_file}" if log_file else ""
        why = " (its store writer failed; committed pages are kept, --resume goes on)" \
            if process.returncode == WRITER_FAILED_EXIT else ""
        raise CrawlFailed(f"the crawl process exited with code {process.returncode}{why}{where}")
    recorded = json.loads(store.run(run_id)["stats"] or "{}")
    return {"pages": pages, "seconds": round(elapsed, 2), "requests": recorded.get("requests"),
            "carried": store.count("pages", "run_id = ? AND carried_from IS NOT NULL", [run_id]),
            "previous": previous, "documents": store.count("documents", "run_id = ?", [run_id])}
