"""Real Scrapyd daemons on loopback ports, for the scale-out tests.

Each node runs ``python -m scrapyd`` in its own folder (its ``scrapyd.conf``: port, eggs, logs,
items feed, a short poll interval) and its own process group, so a test can kill a node and the
crawls it started, as a machine failure would.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ScrapydNode:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "scrapyd.conf").write_text(
            "[scrapyd]\nbind_address = 127.0.0.1\n"
            f"http_port = {self.port}\neggs_dir = {folder / 'eggs'}\nlogs_dir = {folder / 'logs'}\n"
            f"items_dir = {folder / 'items'}\ndbs_dir = {folder / 'dbs'}\npoll_interval = 0.3\n"
            "max_proc = 4\njobs_to_keep = 50\nfinished_to_keep = 500\n", encoding="utf-8")
        log = open(folder / "scrapyd.out", "wb")  # noqa: SIM115 - lives as long as the node
        self.process = subprocess.Popen([sys.executable, "-m", "scrapyd", "--nodaemon"], cwd=folder,
                                        stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(self.url + "daemonstatus.json", timeout=2).json().get("status") == "ok":
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"scrapyd did not start: {(folder / 'scrapyd.out').read_text()[-2000:]}")
            time.sleep(0.2)

    def kill(self) -> None:
        """The node and every crawl it runs die at once (SIGKILL to its process group)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@contextmanager
def scrapyd_nodes(folder: Path, count: int) -> Iterator[list[ScrapydNode]]:
    nodes: list[ScrapydNode] = []
    try:
        for n in range(count):
            nodes.append(ScrapydNode(folder / f"node{n}"))
        yield nodes
    finally:
        for node in nodes:
            node.kill()
