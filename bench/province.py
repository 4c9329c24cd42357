"""Province-scale benchmark: a simulated province audited end to end on this machine, and its
crawl compared with a bare Scrapy spider fetching the same URLs, in one run on the same
loopback servers.

    python3 bench/province.py --bureaus 20 --docs 1000 --hosts 4 --repeat 3   # crawl ratio (median), CPU/page, RSS
    python3 bench/province.py --bureaus 200 --docs 1000 --hosts 20 --no-baseline   # 200k pages

Politeness is off for both contenders (no AutoThrottle, 64 requests per host) unless
``--polite``: the benchmark measures the crawler's own cost. Reported per contender: pages/s
(wall time of the whole process), CPU ms per page (user + system of the crawl process) and peak
RSS (the largest process: the crawl). For the audit: wall time of each stage (crawl, evaluate,
report) from its progress lines. ``--profile FILE`` samples the crawl with py-spy (speedscope
JSON) to see where its time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from auditor.simulator import simulate
from auditor.simulator.server import serve_province
from auditor.store import Store

HERE = Path(__file__).resolve().parent
FAST = ["AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS=64", "CONCURRENT_REQUESTS_PER_DOMAIN=64",
        "DOWNLOAD_DELAY=0"]


def server_cpu() -> float:
    """CPU seconds this process (the sites' HTTP servers) has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, str]:
    """Run ``command``; return wall seconds, CPU seconds and peak RSS (KiB) of it and its
    children (the largest process), and its output."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{command[:6]} failed ({process.returncode}):\n{output[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, output


def stage_seconds(output: str) -> dict[str, float]:
    found = {}
    for name, pattern in (("crawl", r"crawl done: \d+ pages in ([\d.]+)s"), ("evaluate", r"evaluate done: .*?([\d.]+)s$")):
        match = re.search(pattern, output, re.M)
        if match:
            found[name] = float(match.group(1))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bureaus", type=int, default=20)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/zwgk-bench-province"))
    parser.add_argument("--polite", action="store_true", help="keep the shipped politeness settings")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--profile", type=Path, help="py-spy the crawl into this speedscope file")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of audit then baseline, alternated; "
                        "the median ratio is printed (this host's speed varies from minute to minute)")
    parser.add_argument("-s", "--setting", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for the auditor's crawl only (e.g. CONCURRENT_ITEMS=100)")
    args = parser.parse_args()

    province = args.work / f"province-{args.bureaus}x{args.docs}x{args.hosts}-s{args.seed}"
    if not (province / "manifest.json").exists():
        started = time.perf_counter()
        simulate(province, seed=args.seed, bureaus=args.bureaus, docs=args.docs, hosts=args.hosts)
        print(f"simulated {args.bureaus} bureaus × ~{args.docs} documents on {args.hosts} hosts in "
              f"{time.perf_counter() - started:.0f}s → {province}")
    settings = [] if args.polite else [x for s in FAST for x in ("-s", s)]
    ratios = []
    with serve_province(province) as sites:
        for round_ in range(1, args.repeat + 1):
            if args.repeat > 1:
                print(f"-- round {round_} of {args.repeat}")
            ratio = one_round(args, sites, settings)
            if ratio is None:
                return
            ratios.append(ratio)
    if len(ratios) > 1:
        speed = sorted(r[0] for r in ratios)
        cpu = sorted(r[1] for r in ratios)
        print(f"median of {len(ratios)} rounds: ratio {speed[len(speed) // 2]:.2f} (pages/s; rounds "
              f"{', '.join(f'{r[0]:.2f}' for r in ratios)}), CPU per page {cpu[len(cpu) // 2]:.2f}")


def one_round(args: argparse.Namespace, sites: Path, settings: list[str]) -> tuple[float, float] | None:
    """Audit the province, then fetch the same URLs with the bare spider; (speed ratio, CPU ratio)."""
    work = args.work / "run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    command = [sys.executable, "-m", "auditor.cli", "audit", "--sites", str(sites), "--db", str(work / "audit.db"),
               "--out", str(work / "report"), *settings, *[x for s in args.setting for x in ("-s", s)]]
    if args.profile:
        command = ["py-spy", "record", "--subprocesses", "--format", "speedscope", "-o", str(args.profile),
                   "--rate", "50", "--", *command]
    served = server_cpu()
    wall, cpu, rss, output = measured(command)
    served = server_cpu() - served
    stages = stage_seconds(output)
    store = Store(work / "audit.db")
    stats = json.loads(store.run()["stats"])
    urls = [r["url"] for r in store.rows("SELECT url FROM pages WHERE status IS NOT NULL")]
    store.close()
    pages = len(urls)
    crawl = stages.get("crawl", wall)
    print(f"audit: {stats['documents']} documents, {pages} pages fetched, {stats['requests']} requests, "
          f"{stats['findings']} findings; wall {wall:.1f}s = crawl {crawl:.1f}s + evaluate "
          f"{stages.get('evaluate', 0):.1f}s + report and start-up {wall - crawl - stages.get('evaluate', 0):.1f}s")
    print(f"auditor crawl: {pages / crawl:7.1f} pages/s, CPU {1000 * cpu / pages:5.2f} ms/page (whole audit), "
          f"peak RSS {stats.get('crawl_peak_rss_mib', 0):7.1f} MiB (crawl process), {rss / 1024:.1f} MiB (largest "
          f"process of the audit)")
    crawl_cpu = stats.get("crawl_cpu_seconds", 0)
    print(f"auditor crawl process alone: CPU {1000 * crawl_cpu / pages:5.2f} ms/page (garbage collection "
          f"{1000 * stats.get('crawl_gc_seconds', 0) / pages:4.2f}); its store writer "
          f"{1000 * stats.get('writer_cpu_seconds', 0) / pages:5.2f} ms/page; the crawl handed items to it for "
          f"{stats.get('crawl_handover_seconds', 0):.1f}s; the sites' servers {1000 * served / pages:5.2f} ms/page")
    if args.no_baseline or args.profile:
        return None
    listing = work / "urls.txt"
    listing.write_text("\n".join(urls), encoding="utf-8")
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="spiders.settings")
    served = server_cpu()
    base_wall, base_cpu, base_rss, _ = measured(
        [sys.executable, "-m", "scrapy", "runspider", str(HERE / "plain_spider.py"), "-a", f"urls={listing}",
         "-s", "ITEM_PIPELINES={}", "-s", "LOG_LEVEL=ERROR", *settings], env=env)
    print(f"plain scrapy:  {pages / base_wall:7.1f} pages/s, CPU {1000 * base_cpu / pages:5.2f} ms/page, "
          f"peak RSS {base_rss / 1024:7.1f} MiB; the sites' servers {1000 * (server_cpu() - served) / pages:5.2f} ms/page")
    speed, cpu_ratio = (pages / crawl) / (pages / base_wall), base_cpu / crawl_cpu
    print(f"ratio (auditor crawl / plain scrapy pages/s): {speed:.2f}; "
          f"CPU per page, plain scrapy / auditor crawl process: {cpu_ratio:.2f}")
    return speed, cpu_ratio


if __name__ == "__main__":
    main()
