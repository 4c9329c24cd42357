"""``auditor``: the command line.

``audit`` runs every stage (registry → crawl → store → rules → findings → report); ``crawl``,
``evaluate`` and ``report`` run one stage each; ``simulate`` and ``demo`` build and serve the
built-in demo province; ``serve`` browses a store's audits; ``extract`` reads one page's metadata. Exit codes: 0 success, 1 the
work failed, 2 bad input (registry, catalogue, arguments).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.crawl import CrawlFailed, run_crawl
from auditor.evidence import EvidenceConflict, tool_commit
from auditor.extract.metadata import extract_page
from auditor.incremental import previous_run
from auditor.ingest import claim_evidence
from auditor.profiles import detect
from auditor.progress import Progress
from auditor.registry import Registry, RegistryError, load_registry
from auditor.reporting import write_report
from auditor.reporting.notices import find_chromium
from auditor.rules_engine.catalogue import Catalogue, CatalogueError, load_catalogue
from auditor.rules_engine.engine import evaluate_run
from auditor.store import Store, StoreBusy
from auditor.yamlcheck import YamlFileError

DEFAULT_DB = "audit.db"


class UsageError(Exception):
    """Bad input: reported in one message, exit code 2."""


def _registry(path: str) -> Registry:
    try:
        return load_registry(path)
    except RegistryError as exc:
        raise UsageError(f"站点配置有误 (bad site registry):\n{exc}") from exc


def _catalogue(paths: list[str] | None = None) -> Catalogue:
    try:
        return load_catalogue([Path(p) for p in paths] if paths else None)
    except CatalogueError as exc:
        raise UsageError(f"检查目录有误 (bad catalogue):\n{exc}") from exc


def _start_run(store: Store, registry: Registry, catalogue: Catalogue, only: tuple[str, ...]) -> int:
    unknown = set(only) - {b.id for b in registry.bureaus}
    if unknown:
        raise UsageError(f"--only names bureaus not in {registry.path}: {', '.join(sorted(unknown))}")
    record = registry.to_record()
    if only:
        record["bureaus"] = [b for b in record["bureaus"] if b["id"] in only]
    run_id = store.start_run(audit_date=registry.audit_date.isoformat(), sites_file=str(registry.path),
                             registry=record, catalogue_version=catalogue.version, tool_version=__version__,
                             command=shlex.join(["auditor", *sys.argv[1:]]), province=registry.province,
                             commit=tool_commit())
    with store.transaction():
        store.upsert_many("bureaus", [{
            "run_id": run_id, "id": b["id"], "name": b["name"], "region": b["region"], "level": b["level"],
            "kind": b["kind"], "credit_code": b["credit_code"], "start_urls": json.dumps(b["start_urls"]),
            "profile": b["profile"], "waivers": json.dumps(b["waivers"], ensure_ascii=False),
            "config": json.dumps(b, ensure_ascii=False)} for b in record["bureaus"]])
    return run_id


def _crawl_settings(store: Store, run_id: int, progress: Progress, ignore_robots: bool,
                    settings: dict[str, str] | None, **recorded: Any) -> dict[str, str]:
    """The run's crawl settings (``-s``, ``--ignore-robots``), recorded in its stats so that a
    resumed run keeps them; an authorised audit that ignores robots.txt says so on the console,
    in the run's stats and in its reports."""
    settings = dict(settings or {})
    if ignore_robots:
        progress.done("警告 WARNING: robots.txt is ignored for this run (--ignore-robots); use it only when authorised")
        settings["ROBOTSTXT_OBEY"] = "False"
    if settings or recorded:
        store.record_stats(run_id, {"ignore_robots": ignore_robots, "settings": settings, **recorded})
    return settings


def _claim_evidence(store: Store, run_id: int) -> None:
    """Before a crawl: the run's WARC file must not be another store's (see ``claim_warc``)."""
    try:
        claim_evidence(store, run_id)
    except EvidenceConflict as exc:
        raise UsageError(f"证据文件属于另一个检查库 (evidence of another store): {exc}") from exc


def _crawl(store: Store, registry: Registry, run_id: int, only: tuple[str, ...], progress: Progress,
           full: bool = False, share: float | None = None, resume: bool = False, ignore_robots: bool = False,
           settings: dict[str, str] | None = None) -> dict:
    log_file = store.path.parent / "logs" / f"run-{run_id}-crawl.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    previous = None if full or resume else previous_run(store, run_id)
    if previous:
        progress.done(f"增量检查 incremental: known documents of run {previous} are carried over (--full to re-fetch all)")
    settings = _crawl_settings(store, run_id, progress, ignore_robots, settings)
    _claim_evidence(store, run_id)
    try:
        return run_crawl(registry, store, run_id, only=only, log_file=log_file, progress=progress, previous=previous,
                         share=share, resume=resume, settings=settings)
    except CrawlFailed:
        store.finish_run(run_id, "failed")
        raise


def _crawl_on_nodes(store: Store, registry: Registry, run_id: int, only: tuple[str, ...], progress: Progress,
                    nodes: list[str], ignore_robots: bool, settings: dict[str, str] | None) -> dict:
    """The crawl spread over Scrapyd nodes (always a full crawl: nodes keep no history)."""
    try:
        from auditor.scaleout import ScaleOutError, run_distributed
    except ImportError as exc:
        raise UsageError(f"--nodes needs the scale-out extra: pip install 'zwgk-auditor[scaleout]' ({exc})") from exc

    settings = _crawl_settings(store, run_id, progress, ignore_robots, settings, nodes=nodes)
    _claim_evidence(store, run_id)
    try:
        return run_distributed(registry, store, run_id, nodes, only=only, settings=settings, report=progress.done)
    except ScaleOutError as exc:
        raise UsageError(f"分布式抓取失败 (scale-out failed): {exc}") from exc


def _evaluate(store: Store, run_id: int, catalogue: Catalogue, progress: Progress) -> int:
    started = time.monotonic()
    findings = evaluate_run(store, run_id, catalogue, on_bureau=lambda b, n, total: progress.update(
        f"检查 evaluate: {n}/{total} bureaus ({b})"))
    fails = sum(1 for f in findings if f.status == "fail")
    progress.done(f"检查完成 evaluate done: {len(findings)} findings, {fails} fail, "
                  f"{time.monotonic() - started:.1f}s")
    return len(findings)


def audit(registry: Registry, store: Store, out: Path, catalogue: Catalogue, *, only: tuple[str, ...] = (),
          progress: Progress, pdf: bool = False, full: bool = False, share: float | None = None,
          ignore_robots: bool = False, settings: dict[str, str] | None = None, nodes: list[str] | None = None) -> Path:
    """The whole job: crawl, evaluate and report one new run; return the province page. A run that
    fails at any stage is recorded as failed with the reason, never left looking unfinished."""
    with store.exclusive():
        run_id = _start_run(store, registry, catalogue, only)
        progress.done(f"第{run_id}次检查 run {run_id}: {len(only) or len(registry.bureaus)} bureaus → {store.path}")
        stats: dict = {}
        try:
            if nodes:
                stats = _crawl_on_nodes(store, registry, run_id, only, progress, nodes, ignore_robots, settings)
            else:
                stats = _crawl(store, registry, run_id, only, progress, full=full, share=share,
                               ignore_robots=ignore_robots, settings=settings)
            stats["findings"] = _evaluate(store, run_id, catalogue, progress)
            store.finish_run(run_id, "completed", stats)
            return write_report(store, run_id, out, pdf=pdf)
        except BaseException as exc:
            if store.run(run_id)["status"] == "running":
                store.finish_run(run_id, "failed", {**stats, "error": f"{type(exc).__name__}: {exc}"})
            raise


def resume(store: Store, out: Path, catalogue: Catalogue, *, progress: Progress, pdf: bool = False) -> Path:
    """Finish the latest run if a crash or a kill left it unfinished: the same run goes on, what it
    stored is kept, what it lacks is fetched; then it is evaluated and reported."""
    with store.exclusive():
        try:
            run = store.run()
        except LookupError as exc:
            raise UsageError(str(exc)) from exc
        if run["status"] not in ("running", "failed"):
            raise UsageError(f"nothing to resume: run {run['id']} is {run['status']}")
        registry = _registry(run["sites_file"])
        only = tuple(b["id"] for b in json.loads(run["registry"])["bureaus"])
        unfinished = [r["id"] for r in store.rows("SELECT id FROM bureaus WHERE run_id = ? AND crawl_finished_at IS NULL "
                                                 "ORDER BY rowid", [run["id"]])]
        progress.done(f"继续第{run['id']}次检查 resuming run {run['id']}; unfinished bureaus: {', '.join(unfinished) or 'none'}")
        store.db["runs"].update(run["id"], {"status": "running"})
        before = json.loads(run["stats"] or "{}")  # a resumed run keeps its robots.txt choice and settings
        stats = _crawl(store, registry, run["id"], only, progress, resume=True,
                       ignore_robots=bool(before.get("ignore_robots")), settings=before.get("settings"))
        stats["resumed_bureaus"] = unfinished
        stats["findings"] = _evaluate(store, run["id"], catalogue, progress)
        store.finish_run(run["id"], "completed", stats)
        return write_report(store, run["id"], out, pdf=pdf)


# ---------------------------------------------------------------------------- commands
def cmd_audit(args: argparse.Namespace, progress: Progress) -> int:
    if args.resume:
        print(resume(Store(args.db), Path(args.out), _catalogue(), progress=progress, pdf=args.pdf))
        return 0
    if not args.sites:
        raise UsageError("--sites is required (except with --resume)")
    registry, catalogue = _registry(args.sites), _catalogue()
    store = Store(args.db)
    index = audit(registry, store, Path(args.out), catalogue, only=tuple(args.only or ()), progress=progress,
                  pdf=args.pdf, full=args.full, share=args.revalidate_share, ignore_robots=args.ignore_robots,
                  settings=_settings(args.set), nodes=[u for u in (args.nodes or "").split(",") if u])
    print(index)
    return 0


def cmd_crawl(args: argparse.Namespace, progress: Progress) -> int:
    registry, catalogue = _registry(args.sites), _catalogue()
    store = Store(args.db)
    only = tuple(args.only or ())
    with store.exclusive():
        run_id = _start_run(store, registry, catalogue, only)
        stats = _crawl(store, registry, run_id, only, progress, full=args.full, ignore_robots=args.ignore_robots,
                       settings=_settings(args.set))
        store.finish_run(run_id, "crawled", stats)
    print(run_id)
    return 0


def _settings(pairs: list[str] | None) -> dict[str, str]:
    """``-s NAME=VALUE`` crawl settings (Scrapy's names, e.g. DOWNLOAD_TIMEOUT=10)."""
    settings = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.isupper():
            raise UsageError(f"-s expects NAME=VALUE with an upper-case Scrapy setting name, got {pair!r}")
        settings[name] = value
    return settings


def _run_id(store: Store, run: int | None) -> int:
    try:
        return int(store.run(run)["id"])
    except LookupError as exc:
        raise UsageError(str(exc)) from exc


def cmd_evaluate(args: argparse.Namespace, progress: Progress) -> int:
    store = Store(args.db)
    run_id = _run_id(store, args.run)
    if args.reextract:
        from auditor.reextract import reextract_run

        counts = reextract_run(store, run_id)
        progress.done(f"重新提取 re-extracted run {run_id}: {counts['documents']} documents, "
                      f"{counts['attachments']} attachments, {counts['missing']} without an archived body")
    _evaluate(store, run_id, _catalogue(args.catalogue), progress)
    store.finish_run(run_id, "completed", json.loads(store.run(run_id)["stats"] or "{}"))
    print(run_id)
    return 0


def cmd_report(args: argparse.Namespace, progress: Progress) -> int:
    store = Store(args.db)
    print(write_report(store, _run_id(store, args.run), Path(args.out), pdf=args.pdf))
    return 0


def cmd_diff(args: argparse.Namespace, progress: Progress) -> int:
    from auditor import history

    store = Store(args.db)
    try:
        a, b = history.default_pair(store, args.run_a, args.run_b)
    except LookupError as exc:
        raise UsageError(str(exc)) from exc
    diffs = history.diff(store, a, b)
    if args.json:
        print(json.dumps({"from": a, "to": b, "bureaus": [d.to_dict() for d in diffs]}, ensure_ascii=False, indent=1))
    else:
        print(history.text_report(a, b, diffs))
    return 0


def cmd_history(args: argparse.Namespace, progress: Progress) -> int:
    from auditor import history

    try:
        record = history.document_history(Store(args.db), args.url)
    except LookupError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        print(json.dumps(record, ensure_ascii=False, indent=1))
        return 0
    print(f"{record['url']} ({record['bureau']})")
    for r in record["runs"]:
        state = ("carried over from run " + str(r["carried_from"]) if r["carried_from"] else "fetched") if r["document"] \
            else ("not found (HTTP " + str(r["status"]) + ")" if r["status"] else "not on the site")
        print(f"  run {r['id']} {r['audit_date']}: {state}" + (f" sha256 {r['sha256'][:16]}…" if r["document"] else ""))
    print(f"首次发现 first seen: run {record['first_seen']} · 最近发现 last seen: run {record['last_seen']} · "
          f"内容变化 changed {record['changes']} time(s) · 缺失 absent in: {record['absent_in'] or '—'}")
    return 0


def cmd_evidence(args: argparse.Namespace, progress: Progress) -> int:
    from auditor.evidence import read_record

    store = Store(args.db)
    target = args.target
    if target.isdigit():
        rows = store.rows("SELECT run_id, evidence_url AS url FROM findings WHERE id = ?", [int(target)])
        if not rows or not rows[0]["url"]:
            raise UsageError(f"no finding {target} with evidence in {store.path}")
        run_id, url = rows[0]["run_id"], rows[0]["url"]
    else:
        run_id, url = args.run, target
    query = "SELECT * FROM pages WHERE url = ?" + (" AND run_id = ?" if run_id else "") + " ORDER BY run_id DESC LIMIT 1"
    pages = store.rows(query, [url, run_id] if run_id else [url])
    if not pages or not pages[0]["warc_file"]:
        raise UsageError(f"no archived copy of {url} in {store.path}")
    page = pages[0]
    path = store.path.parent / page["warc_file"]
    if not path.exists():
        raise UsageError(f"the evidence file {path} is missing (pruned, or the crawl did not finish)")
    record = read_record(path, page["warc_offset"])
    verified = "matches the store" if record.sha256 == page["sha256"] else f"DIFFERS from the store ({page['sha256']})"
    print(f"URL: {record.url}\n抓取时间 fetched: {page['fetched_at']} (WARC-Date {record.date})\n"
          f"WARC: {page['warc_file']} record {record.record_id} offset {page['warc_offset']}\n"
          f"sha256: {record.sha256} ({verified})\nHTTP {record.status}", file=sys.stderr if args.out == "-" else sys.stdout)
    if args.out == "-":
        sys.stdout.buffer.write(record.body)
    elif args.out:
        Path(args.out).write_bytes(record.body)
        print(f"written: {args.out} ({len(record.body)} bytes)")
    else:
        for name, value in record.headers:
            print(f"{name}: {value}")
    return 0 if record.sha256 == page["sha256"] else 1


def cmd_prune(args: argparse.Namespace, progress: Progress) -> int:
    from auditor.retention import prune

    store = Store(args.db)
    with store.exclusive():
        pruned = prune(store, keep=args.keep, older_than_days=args.older_than)
    print(f"pruned {len(pruned)} run(s): {', '.join(map(str, pruned)) or '—'} (findings and summaries kept)")
    return 0


def cmd_schedule(args: argparse.Namespace, progress: Progress) -> int:
    from auditor.schedule import run_schedule

    _registry(args.sites)  # a bad registry is refused now, not at 2 a.m.
    _catalogue()

    def job() -> None:
        store = Store(args.db)
        try:
            audit(_registry(args.sites), store, Path(args.out), _catalogue(), progress=progress, pdf=args.pdf,
                  full=args.full)
        finally:
            store.close()

    try:
        return run_schedule(args.cron, job, run_now=args.run_now, log=progress.done)
    except ValueError as exc:
        raise UsageError(f"--cron: {exc}") from exc


def cmd_serve(args: argparse.Namespace, progress: Progress) -> int:
    from auditor.reporting.serve import make_server

    try:
        server = make_server(Path(args.db), args.host, args.port)
    except (FileNotFoundError, OSError) as exc:
        raise UsageError(f"auditor serve: {exc}") from exc
    print(f"http://{args.host}:{server.server_address[1]}/", flush=True)
    progress.done("serving the store's audits; press Ctrl-C to stop")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def cmd_simulate(args: argparse.Namespace, progress: Progress) -> int:
    from auditor.simulator import simulate
    from auditor.simulator.server import serve_province

    out = Path(args.out)
    manifest = simulate(out, seed=args.seed, bureaus=args.bureaus, docs=args.docs, hosts=args.hosts)
    hosts = len({b["address"] for b in manifest["bureaus"]})
    documents = sum(b["documents"] for b in manifest["bureaus"])
    progress.done(f"模拟省份 simulated {len(manifest['bureaus'])} bureau sites on {hosts} hosts, "
                  f"{documents} documents → {out}")
    if not args.serve:
        print(out / "ground_truth.json")
        return 0
    with serve_province(out) as sites_yaml:
        print(sites_yaml, flush=True)
        progress.done("serving; press Ctrl-C to stop")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


def cmd_demo(args: argparse.Namespace, progress: Progress) -> int:
    from auditor.simulator import simulate
    from auditor.simulator.server import serve_province

    out = Path(args.out)
    started = time.monotonic()
    simulate(out / "province", seed=args.seed)
    catalogue = _catalogue()
    db = out / "audit.db"
    with serve_province(out / "province") as sites_yaml:
        index = audit(_registry(str(sites_yaml)), Store(db), out, catalogue, progress=progress,
                      pdf=find_chromium() is not None)
    progress.done(f"演示完成 demo done in {time.monotonic() - started:.1f}s")
    print(index)
    return 0


def cmd_extract(args: argparse.Namespace, progress: Progress) -> int:
    source = args.source
    content_type = None
    try:
        if source.startswith(("http://", "https://")):
            request = urllib.request.Request(source, headers={"User-Agent": f"zwgk-auditor/{__version__}"})
            with urllib.request.urlopen(request, timeout=30) as response:
                data, content_type = response.read(), response.headers.get("Content-Type")
        else:
            data = Path(source).read_bytes()
    except (OSError, ValueError) as exc:
        print(f"auditor extract: cannot read {source}: {exc}", file=sys.stderr)
        return 1
    result = extract_page(data, content_type)
    try:
        profile, confidence = detect(source, data[:200_000].decode("utf-8", "ignore"), extra_dir=args.profiles)
    except YamlFileError as exc:
        print(f"auditor extract: {exc}", file=sys.stderr)
        return 2
    result["profile"] = profile.name
    result["profile_confidence"] = round(confidence, 2)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def cmd_rules(args: argparse.Namespace, progress: Progress) -> int:
    from auditor.rules_engine.docs import describe, markdown

    if args.action == "check":
        catalogue = _catalogue(args.files)
        print(f"ok: {catalogue.id} {catalogue.version}, {len(catalogue.rules)} rules")
        return 0
    catalogue = _catalogue()
    if args.action == "list":
        for rule in catalogue.rules:
            print(f"{rule.id:<14} {rule.severity:<8} {'否决' if rule.veto else '    '} {rule.title}")
    elif args.action == "show":
        if not args.files:
            raise UsageError("rules show needs a rule ID")
        try:
            print(describe(catalogue.rule(args.files[0])))
        except KeyError as exc:
            raise UsageError(f"no rule {args.files[0]} in catalogue {catalogue.version}") from exc
    else:
        print(markdown(catalogue))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="auditor", description="政务公开 disclosure auditor")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    sub = parser.add_subparsers(dest="command", required=True)

    def db(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", default=DEFAULT_DB, help=f"SQLite store (default {DEFAULT_DB})")

    def crawl_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--ignore-robots", action="store_true",
                       help="do not obey robots.txt (authorised audits only; logged and shown in the reports)")
        p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                       help="a Scrapy/crawl setting for this run, e.g. -s DOWNLOAD_TIMEOUT=10 (see docs/reliability.md)")

    p = sub.add_parser("audit", help="crawl, evaluate and report every bureau of a registry")
    p.add_argument("--sites", help="site registry (sites.yaml)")
    db(p)
    p.add_argument("--out", default="out/audit", help="report folder (default out/audit)")
    p.add_argument("--only", nargs="+", metavar="BUREAU_ID", help="audit only these bureaus")
    p.add_argument("--pdf", action="store_true", help="also print each 整改通知书 to PDF with headless Chromium (when installed)")
    p.add_argument("--full", action="store_true", help="fetch every page again (default: carry known, unchanged documents over)")
    p.add_argument("--resume", action="store_true", help="finish the latest run that a crash or kill left unfinished")
    p.add_argument("--revalidate-share", type=float, metavar="SHARE",
                   help="share of known documents asked again (conditionally) per re-audit (default 0.02)")
    crawl_options(p)
    p.add_argument("--nodes", metavar="URL,URL", help="crawl on these Scrapyd nodes, bureaus sharded by host "
                   "(e.g. http://h1:6800,http://h2:6800; see docs/deploy.md)")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("crawl", help="crawl into a new run of the store; prints the run id")
    p.add_argument("--sites", required=True)
    db(p)
    p.add_argument("--only", nargs="+", metavar="BUREAU_ID")
    p.add_argument("--full", action="store_true", help="fetch every page again (default: incremental)")
    crawl_options(p)
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("evaluate", help="evaluate the catalogue over a crawled run")
    db(p)
    p.add_argument("--run", type=int, help="run id (default: the latest)")
    p.add_argument("--catalogue", nargs="+", metavar="FILE", help="catalogue files (default: rules/*.yaml)")
    p.add_argument("--reextract", action="store_true",
                   help="first read the run's archived pages and attachments again (after an extractor fix)")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("report", help="write the HTML report, 整改通知书 and findings.json/.csv/.xlsx")
    db(p)
    p.add_argument("--run", type=int, help="run id (default: the latest)")
    p.add_argument("--out", default="out/audit")
    p.add_argument("--pdf", action="store_true", help="also print each 整改通知书 to PDF with headless Chromium (when installed)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("diff", help="gaps new, fixed and persisting between two runs (default: the last two)")
    db(p)
    p.add_argument("run_a", nargs="?", type=int, metavar="RUN_A")
    p.add_argument("run_b", nargs="?", type=int, metavar="RUN_B")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("history", help="one document across audits: first and last seen, changes, absences")
    db(p)
    p.add_argument("url", metavar="URL")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("evidence", help="show or extract the archived copy a finding rests on (from the WARC)")
    db(p)
    p.add_argument("target", metavar="FINDING_ID_OR_URL")
    p.add_argument("--run", type=int, help="with a URL: the run (default: the latest that fetched it)")
    p.add_argument("--out", metavar="FILE", help="write the archived body to FILE ('-': standard output)")
    p.set_defaults(func=cmd_evidence)

    p = sub.add_parser("schedule", help="run audits on a cron schedule (a long-lived process)")
    p.add_argument("--cron", required=True, help='five cron fields, Beijing time, e.g. "0 2 1 * *" (02:00 on the 1st)')
    p.add_argument("--sites", required=True, help="site registry (sites.yaml), read again before each audit")
    db(p)
    p.add_argument("--out", default="out/audit", help="report folder (default out/audit)")
    p.add_argument("--pdf", action="store_true", help="also print the 整改通知书 to PDF")
    p.add_argument("--run-now", action="store_true", help="also audit once right away")
    p.add_argument("--full", action="store_true", help="complete audits, not incremental ones")
    p.set_defaults(func=cmd_schedule)

    p = sub.add_parser("prune", help="remove old runs' raw data and WARCs, keeping their findings")
    db(p)
    p.add_argument("--keep", type=int, default=3, help="keep the raw data of the newest N runs (default 3)")
    p.add_argument("--older-than", type=int, metavar="DAYS", help="only prune runs started more than DAYS ago")
    p.set_defaults(func=cmd_prune)

    p = sub.add_parser("serve", help="browse every audit in a store (pages rendered on demand)")
    db(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("simulate", help="write the demo province (sites and ground truth)")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--serve", action="store_true", help="serve it on loopback until Ctrl-C")
    p.add_argument("--bureaus", type=int, default=10, help="number of bureau sites (above 10: clean extra counties)")
    p.add_argument("--docs", type=int, help="about this many documents per bureau (default: the demo's ~200)")
    p.add_argument("--hosts", type=int, help="share this many loopback hosts among all sites (a port each)")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("demo", help="simulate, serve and audit the demo province")
    p.add_argument("--out", default="out/demo")
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("rules", help="list, show, check or document the catalogue")
    p.add_argument("action", choices=("list", "show", "check", "doc"))
    p.add_argument("files", nargs="*", metavar="ID_OR_FILE", help="a rule ID (show) or catalogue files (check)")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("extract", help="print one page's normalised metadata as JSON")
    p.add_argument("source", metavar="FILE_OR_URL")
    p.add_argument("--profiles", metavar="DIR", help="a folder of extra CMS profiles (YAML) to detect with")
    p.set_defaults(func=cmd_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    progress = Progress(quiet=args.quiet)
    try:
        return args.func(args, progress)
    except UsageError as exc:
        print(f"auditor {args.command}: {exc}", file=sys.stderr)
        return 2
    except (CrawlFailed, StoreBusy) as exc:
        print(f"auditor {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
