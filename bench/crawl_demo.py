"""Crawl benchmark on the demo province: the full auditor crawl against a bare Scrapy spider
fetching the same URLs with the same settings, both in one run on the same loopback servers.

    python3 bench/crawl_demo.py [--seed 1] [--repeat 3]

Prints the demo's wall time, the crawl's pages/s, the baseline's pages/s and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from auditor.simulator import simulate
from auditor.simulator.server import serve_province
from auditor.store import Store

HERE = Path(__file__).resolve().parent


def audit(sites: Path, work: Path) -> tuple[float, dict, list[str]]:
    db = work / "audit.db"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "auditor.cli", "-q", "audit", "--sites", str(sites), "--db", str(db),
                    "--out", str(work / "report")], check=True)
    wall = time.perf_counter() - started
    store = Store(db)
    stats = json.loads(store.run()["stats"])
    urls = [r["url"] for r in store.rows("SELECT url FROM pages WHERE status IS NOT NULL")]
    store.close()
    return wall, stats, urls


def plain(urls: list[str], work: Path) -> float:
    listing = work / "urls.txt"
    listing.write_text("\n".join(urls), encoding="utf-8")
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="spiders.settings")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(HERE / "plain_spider.py"), "-a", f"urls={listing}",
                    "-s", "ITEM_PIPELINES={}", "-s", "LOG_LEVEL=ERROR"], check=True, env=env)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        simulate(work / "province", seed=args.seed)
        rows = []
        with serve_province(work / "province") as sites:
            for _ in range(args.repeat):
                wall, stats, urls = audit(sites, work)
                baseline = plain(urls, work)
                rows.append((wall, stats["pages"], stats["seconds"], len(urls), baseline))
    for wall, pages, crawl_s, n, base_s in rows:
        print(f"audit wall {wall:6.1f}s  crawl {pages} pages in {crawl_s:5.1f}s = {pages / crawl_s:6.1f} pages/s  "
              f"plain scrapy {n} pages in {base_s:5.1f}s = {n / base_s:6.1f} pages/s  ratio {(pages / crawl_s) / (n / base_s):.2f}")
    med = lambda xs: statistics.median(xs)  # noqa: E731
    print(f"median: audit wall {med([r[0] for r in rows]):.1f}s, crawl {med([r[1] / r[2] for r in rows]):.1f} pages/s, "
          f"baseline {med([r[3] / r[4] for r in rows]):.1f} pages/s, "
          f"ratio {med([(r[1] / r[2]) / (r[3] / r[4]) for r in rows]):.2f}")


if __name__ == "__main__":
    main()
