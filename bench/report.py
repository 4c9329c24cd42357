"""Report benchmark: the full report set (dashboard, bureau pages, 整改通知书, XLSX, CSV, JSON) for
1,000 bureaus with 50 findings each, one core (issue 5: ≤ 30 s).

    python3 bench/report.py [--bureaus 1000] [--findings 50]

The store holds two evaluated audits of the same synthetic province, so trends and the new /
fixed / persisting comparison are computed as in real use. Baseline in the same run: the
findings rows read and turned into ``Finding`` objects, the least any report must do.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from auditor.reporting import write_report  # noqa: E402
from auditor.reporting.model import load_findings  # noqa: E402
from auditor.rules_engine.catalogue import load_catalogue  # noqa: E402
from auditor.rules_engine.findings import Finding  # noqa: E402
from auditor.store import Store  # noqa: E402

STATUSES = ["fail"] * 3 + ["pass"] * 5 + ["na", "untestable"]


def build(path: Path, bureaus: int, per_bureau: int) -> int:
    rules = load_catalogue().rules
    rng = random.Random(3)
    places = [("宣城市", "3418"), ("合肥市", "3401"), ("芜湖市", "3402"), ("安庆市", "3408"), ("黄山市", "3410")]
    registry = {"province": "安徽省", "bureaus": []}
    for n in range(bureaus):
        city, prefix = places[n % len(places)]
        county = n // len(places) % 40
        registry["bureaus"].append({
            "id": f"b{n:04d}", "name": f"{city}{'' if county == 0 else f'第{county}县'}{'自然资源和规划局' if n % 2 else '财政局'}",
            "level": "city" if county == 0 else "county", "kind": "natural_resources" if n % 2 else "finance",
            "region": f"{prefix}{county:02d}", "start_urls": [f"http://b{n:04d}.example/"], "waivers": []})
    store = Store(path)
    run = 0
    for audit_date in ("2026-08-30", "2026-11-29"):
        run = store.start_run(audit_date=audit_date, sites_file="synthetic", registry=registry,
                              catalogue_version="bench", tool_version="bench", command="bench/report.py", province="安徽省")
        rows = []
        for bureau in registry["bureaus"]:
            for k in range(per_bureau):
                rule = rules[k % len(rules)]
                status = rng.choice(STATUSES)
                url = f"{bureau['start_urls'][0]}show/{k}.html"
                rows.append(Finding(
                    bureau=bureau["id"], rule=rule.id, status=status, severity=rule.severity, rule_title=rule.title,
                    subject=url, message=f"{rule.title}：第{k}条信息的情况说明，含日期2026-0{1 + k % 9}-1{k % 10}和工作日数{k % 23}",
                    expected=rule.expected, found=f"{k % 23}个工作日", documents=[{"title": f"关于第{k}号事项的通知", "url": url}],
                    evidence={"url": url, "fetched_at": "2026-11-29T02:00:00+00:00"}, basis=rule.basis, advice=rule.advice,
                    area=rule.area, veto=rule.veto, catalogue_version="bench").to_row(run))
        store.db["findings"].insert_all(rows, batch_size=5000)
    store.close()
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bureaus", type=int, default=1000)
    parser.add_argument("--findings", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "report.db"
        run = build(db, args.bureaus, args.findings)
        store = Store(db)
        started = time.perf_counter()
        load_findings(store, run)
        baseline = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        write_report(store, run, Path(folder) / "out")
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        files = sum(1 for _ in (Path(folder) / "out").rglob("*") if _.is_file())
        size = sum(p.stat().st_size for p in (Path(folder) / "out").rglob("*") if p.is_file()) / 2**20
    print(f"{'bureaus':>8}{'findings':>10}{'report s':>10}{'cpu s':>8}{'files':>7}{'MB':>7}{'load s':>8}{'vs load':>9}")
    print(f"{args.bureaus:>8}{args.bureaus * args.findings:>10}{wall:>10.1f}{cpu:>8.1f}{files:>7}{size:>7.0f}"
          f"{baseline:>8.2f}{wall / baseline:>9.1f}")


if __name__ == "__main__":
    main()
