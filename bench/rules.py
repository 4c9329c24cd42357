"""Rules benchmark: evaluate the whole catalogue over a synthetic store of N documents from N/1000
bureaus, one core, and report wall time, CPU time and peak memory per size (issue 4: 1,000,000
documents in ≤ 60 s and ≤ 1.5 GB, roughly linear).

    python3 bench/rules.py [--sizes 100000,300000,1000000] [--work /tmp/zwgk-rules-bench]

The store is written straight from the demo province's generator (no crawl): ten template
bureaus (one per site of the demo, planted defects included) each grown to 1,000 documents,
copied under new ids and URLs. Stores are kept in ``--work`` and reused. Each evaluation runs in
a fresh child process so its peak RSS is its own. Baseline in the same run: reading every
document row of the store into Python (``SELECT *``), the floor for any evaluator that looks at
every document.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PER_BUREAU = 1000
AUDIT_DATE = "2026-11-29"


def _templates() -> list[tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]]:
    """The demo's ten bureaus as store rows, each grown to about ``PER_BUREAU`` documents."""
    from auditor.normalize import parse_index_no
    from auditor.simulator.province import AUDIT_DATE as DAY
    from auditor.simulator.province import Column, _Builder, build_province
    from auditor.simulator.render import _env, _Site

    province = build_province(1)
    rng = random.Random(5)
    templates = []
    for bureau in province.bureaus:
        if bureau.down:
            continue
        builder = _Builder(rng, bureau, DAY)
        for doc in bureau.documents:  # continue each period's serials, so 索引号 stay unique
            parsed = parse_index_no(doc.index_no or "")
            if parsed.serial:
                key = (doc.published.year, doc.published.month if bureau.family == "anhui" else 0)
                builder.serials[key] = max(builder.serials.get(key, 0), int(parsed.serial) % 90000)
        extra = Column(slug="gzxx", name="工作信息", kind="notice")
        bureau.columns.append(extra)
        builder.fill(extra, max(0, PER_BUREAU - len(bureau.documents)))
        for doc in extra.documents:
            doc.index_no = builder.index_no(doc.published)
        _Site(bureau, _env(), rng)  # assigns list and detail paths
        templates.append(_rows(bureau))
    return templates


def _rows(bureau: Any) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    from auditor.simulator.render import HOME

    record = {"id": bureau.id, "name": bureau.name, "region": bureau.region, "level": bureau.level,
              "kind": bureau.kind, "credit_code": bureau.credit_code, "start_urls": [HOME[bureau.family]],
              "profile": "auto", "waivers": [], "parent": None, "index_pattern": None, "domains": []}
    profile = {"anhui": "anhui_openness", "trs": "trs", "trs_dynamic": "trs", "hanweb": "hanweb"}.get(bureau.family, "empirecms")
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("documents", "list_items", "columns", "links", "pages", "attachments")}
    rows["pages"].append({"url": HOME[bureau.family], "kind": "start", "status": 200, "fetched_at": "2026-11-29T10:00:00+08:00", "attempts": 1})
    by_id = {d.id: d for d in bureau.documents}
    for column in bureau.columns:
        rows["columns"].append({"url": column.path, "name": column.name, "items": len(column.documents), "complete": 1})
        for position, doc in enumerate(column.documents):
            raw = {"索引号": doc.index_no or "", "组配分类": column.name, "发布机构": doc.publisher, "名称": doc.title,
                   "文号": doc.doc_no or "", "发布日期": doc.published.isoformat()}
            if "subject" not in doc.hidden:
                raw["主题分类"] = "自然资源、规划"
            rows["documents"].append({
                "url": doc.path, "title": doc.title, "index_no": doc.index_no, "category": column.name,
                "publisher": doc.publisher, "subject": raw.get("主题分类"), "doc_no": doc.doc_no,
                "published": doc.published.isoformat(), "written": doc.written.isoformat() if doc.written else None,
                "validity": doc.validity, "raw": json.dumps(raw, ensure_ascii=False), "conflicts": "[]",
                "fetched_at": "2026-11-29T10:00:00+08:00", "profile": profile,
                "text": "\n".join([*doc.body, "各单位要高度重视，明确责任分工，细化工作措施，确保各项任务按时保质完成。"])})
            rows["list_items"].append({"column_url": column.path, "url": doc.path, "title": doc.title,
                                       "date": None if doc.undated_in_list else doc.published.isoformat(),
                                       "position": position})
            rows["pages"].append({"url": doc.path, "kind": "detail", "status": 200,
                                  "fetched_at": "2026-11-29T10:00:00+08:00", "attempts": 1})
            if doc.interpretation and doc.interpretation in by_id:
                rows["links"].append({"from_url": doc.path, "to_url": by_id[doc.interpretation].path, "text": "", "kind": "content"})
            if doc.interpretation_of and doc.links_back and doc.interpretation_of in by_id:
                rows["links"].append({"from_url": doc.path, "to_url": by_id[doc.interpretation_of].path, "text": "", "kind": "content"})
            if doc.attachment:
                url = f"{doc.path}.att.pdf"
                rows["links"].append({"from_url": doc.path, "to_url": url, "text": "附件", "kind": "content"})
                rows["pages"].append({"url": url, "kind": "link", "status": 404 if doc.attachment_broken else 200,
                                      "fetched_at": "2026-11-29T10:00:00+08:00", "attempts": 1})
                if not doc.attachment_broken:
                    text = "\n".join(doc.attachment_text) if doc.attachment_text else None
                    rows["attachments"].append({"url": url, "text": text, "reason": "" if text else "附件无文字层（可能是扫描件）"})
    return record, rows


def build_store(path: Path, documents: int) -> None:
    from auditor.store import Store

    templates = _templates()
    store = Store(path)
    bureaus = []
    n_bureaus = max(1, documents // PER_BUREAU)
    for j in range(n_bureaus):
        record, _ = templates[j % len(templates)]
        bureaus.append({**record, "id": f"b{j:04d}", "start_urls": [f"http://b{j:04d}.example{record['start_urls'][0]}"]})
    run_id = store.start_run(audit_date=AUDIT_DATE, sites_file="synthetic", registry={"province": "基准省", "audit_date": AUDIT_DATE,
                             "profiles": None, "bureaus": bureaus}, catalogue_version="", tool_version="bench",
                             command="bench/rules.py", province="基准省")
    for j, bureau in enumerate(bureaus):
        _, rows = templates[j % len(templates)]
        base = f"http://{bureau['id']}.example"
        with store.transaction():
            store.db["bureaus"].insert({"run_id": run_id, "id": bureau["id"], "name": bureau["name"], "level": bureau["level"],
                                        "kind": bureau["kind"], "crawl_finished_at": "2026-11-29T10:30:00+08:00"})
            for table, table_rows in rows.items():
                fixed = []
                for row in table_rows:
                    row = {**row, "run_id": run_id, "bureau_id": bureau["id"]}
                    for key in ("url", "column_url", "from_url", "to_url"):
                        if key in row:
                            row[key] = base + row[key]
                    fixed.append(row)
                store.db[table].insert_all(fixed, batch_size=2000)
    store.finish_run(run_id, "finished")
    store.close()


def evaluate(path: Path) -> dict[str, float]:
    """In this process: evaluate the catalogue over the store's run; wall, CPU and peak RSS."""
    from auditor.rules_engine.catalogue import load_catalogue
    from auditor.rules_engine.engine import evaluate_run
    from auditor.store import Store

    store = Store(path)
    catalogue = load_catalogue()
    started, cpu = time.perf_counter(), time.process_time()
    findings = evaluate_run(store, store.run()["id"], catalogue)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"wall": wall, "cpu": cpu, "peak_mb": peak, "findings": len(findings),
            "fails": sum(f.status == "fail" for f in findings)}


def scan(path: Path) -> dict[str, float]:
    """Baseline: every document row read into Python dicts."""
    import sqlite3

    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    started = time.perf_counter()
    rows = sum(1 for row in connection.execute("SELECT * FROM documents") if dict(row))
    return {"wall": time.perf_counter() - started, "rows": rows}


def _child(mode: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, f"--{mode}", str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/zwgk-rules-bench"))
    parser.add_argument("--evaluate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scan", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.evaluate or args.scan:
        print(json.dumps(evaluate(args.evaluate) if args.evaluate else scan(args.scan)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"{'documents':>10}{'bureaus':>9}{'eval s':>9}{'cpu s':>8}{'peak MB':>9}{'µs/doc':>8}{'scan s':>8}{'vs scan':>9}{'fails':>7}")
    for size in (int(s) for s in args.sizes.split(",")):
        path = args.work / f"rules-{size}.db"
        if not path.exists():
            build_store(path, size)
        result, baseline = _child("evaluate", path), _child("scan", path)
        docs = int(baseline["rows"])
        print(f"{docs:>10}{size // PER_BUREAU:>9}{result['wall']:>9.1f}{result['cpu']:>8.1f}{result['peak_mb']:>9.0f}"
              f"{result['wall'] / docs * 1e6:>8.1f}{baseline['wall']:>8.1f}{result['wall'] / baseline['wall']:>9.1f}{result['fails']:>7}")


if __name__ == "__main__":
    main()
