"""A distributed crawl on Scrapyd: shard by host, schedule, watch, reschedule, merge.

Politeness per host is the binding limit of a provincial audit, so hosts — not pages — are the
unit of work: bureaus that share a host (Scrapy's politeness slot is the host name) form one
shard, and each shard is crawled by exactly one node, so per-host limits hold cluster-wide.

The coordinator uploads the ``spiders`` project as an egg (``addversion.json``), schedules one
job per shard with the shard's registry as text (``schedule.json``, through scrapyd-client),
watches the nodes (``listjobs.json``), and merges each finished job's items feed into the
central store with ``auditor.ingest`` — which also writes the WARC evidence there. A job's feed
ends with a ``summary`` item; a job that finished without one, or that was on a node that stopped
answering, is scheduled again on another live node. Nodes need the ``zwgk-auditor`` package
installed (it brings the extractor and the crawl's dependencies) and an ``items_dir``.
"""

from __future__ import annotations

import io
import json
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests
import yaml
from scrapyd_client.pyclient import HEADERS, ScrapydClient, _process_response

from auditor import __version__
from auditor.ingest import CrawlWriter
from auditor.registry import Bureau, Registry
from auditor.store import Store

PROJECT = "zwgk_auditor"
SPIDER = "disclosure"
DEAD_AFTER = 3  # failed polls in a row before a node counts as dead
MAX_TRIES = 3  # schedulings of one shard before the audit gives up on it
HTTP_TIMEOUT = 30.0  # seconds: a node that accepts connections but never answers counts as failing


class Client(ScrapydClient):
    """scrapyd-client's client with a timeout on every call (its own waits forever, so a node
    behind a network partition would hang the audit)."""

    def _get(self, basename: str, params: dict | None = None) -> Any:
        return _process_response(requests.get(f"{self.url}/{basename}.json", params=params or {}, headers=HEADERS,
                                              auth=self.auth, timeout=HTTP_TIMEOUT))

    def _post(self, basename: str, data: Any) -> Any:
        return _process_response(requests.post(f"{self.url}/{basename}.json", data=data, headers=HEADERS,
                                               auth=self.auth, timeout=HTTP_TIMEOUT))


class ScaleOutError(RuntimeError):
    pass


def shards(bureaus: list[Bureau]) -> list[list[Bureau]]:
    """Bureaus grouped so that no host name is in two groups (union of bureaus sharing a host)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for bureau in bureaus:
        names = sorted(bureau.host_names)
        for name in names[1:]:
            parent[root(name)] = root(names[0])
    groups: dict[str, list[Bureau]] = {}
    for bureau in bureaus:
        groups.setdefault(root(min(bureau.host_names)), []).append(bureau)
    return sorted(groups.values(), key=len, reverse=True)


def build_egg() -> bytes:
    """The Scrapy project (``spiders``) as an egg Scrapyd can run: its modules plus the entry
    point naming the settings. Built in memory from the installed package."""
    import spiders

    root = Path(spiders.__file__).parent
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as egg:
        for path in sorted(root.rglob("*.py")):
            egg.write(path, str(Path("spiders") / path.relative_to(root)))
        egg.writestr("EGG-INFO/PKG-INFO", f"Metadata-Version: 2.1\nName: {PROJECT}\nVersion: {__version__}\n")
        egg.writestr("EGG-INFO/entry_points.txt", "[scrapy]\nsettings = spiders.settings\n")
        egg.writestr("EGG-INFO/top_level.txt", "spiders\n")
    return buffer.getvalue()


@dataclass
class Node:
    url: str
    client: Client = field(init=False)
    failures: int = 0

    def __post_init__(self) -> None:
        self.url = self.url.rstrip("/") + "/"
        self.client = Client(self.url.rstrip("/"))

    @property
    def alive(self) -> bool:
        return self.failures < DEAD_AFTER


@dataclass
class Shard:
    number: int
    bureaus: list[Bureau]
    node: Node | None = None
    job: str | None = None
    tries: int = 0
    merged: bool = False
    last_node: Node | None = None  # where it was last scheduled (not chosen again while others live)


CRAWL_KEYS = ("id", "name", "region", "level", "kind", "credit_code", "start_urls", "profile", "domains",
              "index_pattern")  # what the crawl reads of a bureau; rules-only keys stay home


def _registry_text(registry: Registry, bureaus: list[Bureau]) -> str:
    """A node's registry: the shard's bureaus, their crawl keys only (a node has only the
    built-in CMS profiles)."""
    entries = [{k: v for k, v in b.to_record().items() if k in CRAWL_KEYS and v not in (None, [], {})} for b in bureaus]
    return yaml.safe_dump({"province": registry.province, "audit_date": registry.audit_date, "bureaus": entries},
                          allow_unicode=True, sort_keys=False)


def deploy(nodes: list[Node], version: str, report: Callable[[str], None]) -> None:
    """Upload the project to every node (three tries each); a node that cannot take it is
    treated as dead. At least one node must take it."""
    egg = build_egg()
    for node in nodes:
        for attempt in range(3):
            try:
                response = requests.post(urljoin(node.url, "addversion.json"),
                                         data={"project": PROJECT, "version": version},
                                         files=[("egg", ("project.egg", egg))], timeout=120)
                response.raise_for_status()
                answer = response.json()
                if answer.get("status") == "ok":
                    break
                problem = answer.get("message", answer)
            except (requests.RequestException, ValueError) as exc:
                problem = exc
            time.sleep(1 + attempt)
        else:
            node.failures = DEAD_AFTER
            report(f"节点 node {node.url} could not be deployed to ({problem}); it takes no shards")
    if not any(n.alive for n in nodes):
        raise ScaleOutError("no Scrapyd node took the project")


def run_distributed(registry: Registry, store: Store, run_id: int, node_urls: list[str], *,
                    only: tuple[str, ...] = (), settings: dict[str, str] | None = None,
                    report: Callable[[str], None] = print, poll: float = 1.0) -> dict[str, Any]:
    """Crawl the registry's bureaus on the Scrapyd nodes into ``run_id`` of ``store``."""
    nodes = [Node(url) for url in node_urls]
    version = f"{__version__}-{run_id}-{int(time.time())}"
    deploy(nodes, version, report)
    bureaus = [b for b in registry.bureaus if not only or b.id in only]
    work = [Shard(n, group) for n, group in enumerate(shards(bureaus))]
    report(f"分布式抓取 scale-out: {len(work)} host shards on {len(nodes)} Scrapyd nodes")
    extra = [("setting", f"{k}={v}") for k, v in (settings or {}).items()]
    writer = CrawlWriter(store, run_id)
    started = time.monotonic()
    requests_sent = 0  # for the stats returned; the writer adds each shard's to the run's too
    try:
        while not all(s.merged for s in work):
            for shard in work:
                if shard.merged or (shard.node is not None and shard.node.alive):
                    continue
                load = Counter(s.node.url for s in work if s.node is not None and not s.merged)
                _schedule(shard, nodes, load, registry, run_id, extra, report)
            finished = _poll(nodes, report)
            for shard in work:
                if shard.merged or shard.node is None or shard.job not in finished.get(shard.node.url, set()):
                    continue
                summary = _merge(shard, writer, report)
                if summary is None:
                    shard.node = None  # finished without its summary: crawl it again elsewhere
                    continue
                requests_sent += summary["requests"]
                writer.finish_crawl(summary["columns"], summary["limits"], summary["requests"])
                shard.merged = True
                report(f"分片 shard {shard.number} merged from {shard.node.url} "
                       f"({len(shard.bureaus)} bureaus, {summary['requests']} requests)")
            if not all(s.merged for s in work):
                time.sleep(poll)
    finally:
        writer.close()
    pages = store.count("pages", "run_id = ?", [run_id])
    return {"pages": pages, "seconds": round(time.monotonic() - started, 2), "requests": requests_sent,
            "documents": store.count("documents", "run_id = ?", [run_id]),
            "rescheduled": sum(s.tries - 1 for s in work),
            "shards": [{"hosts": sorted({h for b in s.bureaus for h in b.host_names}),
                        "bureaus": [b.id for b in s.bureaus], "node": s.node.url if s.node else None,
                        "tries": s.tries} for s in work]}


def _schedule(shard: Shard, nodes: list[Node], load: Counter[str], registry: Registry, run_id: int,
              extra: list[tuple[str, str]], report: Callable[[str], None]) -> None:
    live = [n for n in nodes if n.alive]
    if not live:
        raise ScaleOutError("no Scrapyd node answers any more")
    if shard.tries >= MAX_TRIES:
        raise ScaleOutError(f"shard {shard.number} failed {shard.tries} times")
    # the live node with the fewest unmerged shards; one that already failed this shard goes last
    node = min(live, key=lambda n: (n is shard.last_node, load[n.url], n.url))
    args = [("registry", _registry_text(registry, shard.bureaus)), ("run_id", str(run_id)),
            ("only", ",".join(b.id for b in shard.bureaus)), *extra]
    try:
        job = node.client.schedule(PROJECT, SPIDER, args)
    except Exception as exc:  # noqa: BLE001 - a node down at scheduling time: count it, try another
        node.failures += 1
        report(f"节点 node {node.url} did not take shard {shard.number}: {exc}")
        return
    if shard.tries:
        report(f"分片 shard {shard.number} rescheduled on {node.url}")
    shard.node = shard.last_node = node
    shard.job, shard.tries = job, shard.tries + 1


def _poll(nodes: list[Node], report: Callable[[str], None]) -> dict[str, set[str]]:
    """Finished job ids per live node; a node that fails ``DEAD_AFTER`` polls in a row is dead."""
    finished: dict[str, set[str]] = {}
    for node in nodes:
        if not node.alive:
            continue
        try:
            jobs = node.client.jobs(PROJECT)
        except Exception:  # noqa: BLE001 - connection refused, timeout, bad answer: all mean "not now"
            node.failures += 1
            if not node.alive:
                report(f"节点 node {node.url} stopped answering; its shards go to other nodes")
            continue
        node.failures = 0
        finished[node.url] = {job["id"] for job in jobs.get("finished", [])}
    return finished


def _merge(shard: Shard, writer: CrawlWriter, report: Callable[[str], None]) -> dict[str, Any] | None:
    """Read a finished job's items feed into the store; return its summary (None if it has none,
    and then nothing of it is stored). The feed is spooled to a temporary file first: a shard may
    hold a hundred thousand pages."""
    assert shard.node is not None
    url = urljoin(shard.node.url, f"items/{PROJECT}/{SPIDER}/{shard.job}.jl")
    with tempfile.TemporaryFile() as spool:
        try:
            with requests.get(url, timeout=300, stream=True) as response:
                response.raise_for_status()
                for chunk in response.iter_content(1 << 20):
                    spool.write(chunk)
        except requests.RequestException as exc:
            report(f"分片 shard {shard.number}: could not read {url}: {exc}")
            return None
        last = b""
        spool.seek(0)
        for line in spool:
            if line.strip():
                last = line
        summary = json.loads(last) if last else None
        if not summary or summary.get("_table") != "summary":
            report(f"分片 shard {shard.number}: job {shard.job} on {shard.node.url} ended without its summary")
            return None
        spool.seek(0)
        for line in spool:
            if line.strip():
                item = json.loads(line)
                if item["_table"] != "summary":
                    writer.add(item)
    return summary
