"""Shared fixtures: the real corpus, a simulated province served over loopback, one real audit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.simulator import simulate
from auditor.simulator.server import serve_province
from auditor.store import Store

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ZWGK_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"


def start_run(store: Store) -> int:
    """A bare run in ``store``, for tests that write crawl items without a crawl."""
    return store.start_run(audit_date="2026-11-29", sites_file="s.yaml", registry={"bureaus": []},
                           catalogue_version="1", tool_version="0.1.0", command="auditor audit", province="安徽省")


def page_item(run_id: int, n: int) -> dict:
    """A fetched detail page as the crawl hands it to the store writer."""
    return {"_table": "pages", "run_id": run_id, "url": f"http://127.0.0.2/{n}.html", "bureau_id": "b",
            "kind": "detail", "status": 200, "fetched_at": "2026-11-29T10:00:00+08:00",
            "_body": f"<html>第{n}页</html>".encode(), "_headers": [("Content-Type", "text/html")]}


def run_auditor(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real ``auditor`` command line in a child process."""
    return subprocess.run([sys.executable, "-m", "auditor.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (set ZWGK_SHARED)")
    return CORPUS


@pytest.fixture(scope="session")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("province")
    simulate(out, seed=1)
    return out


@pytest.fixture(scope="session")
def demo_audit(province: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One real audit of the served demo province through the CLI: db, report and ground truth."""
    work = tmp_path_factory.mktemp("audit")
    with serve_province(province) as sites_yaml:
        result = run_auditor("-q", "audit", "--sites", str(sites_yaml), "--db", str(work / "audit.db"),
                             "--out", str(work / "report"))
        registry = sites_yaml.read_text(encoding="utf-8")
    assert result.returncode == 0, result.stderr
    return {
        "db": work / "audit.db", "out": work / "report", "stdout": result.stdout, "registry": registry,
        "findings": json.loads((work / "report" / "findings.json").read_text(encoding="utf-8")),
        "truth": json.loads((province / "ground_truth.json").read_text(encoding="utf-8")),
    }
