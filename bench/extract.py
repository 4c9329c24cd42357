"""Extraction benchmark: parse-and-extract throughput on detail pages, single core, against two
baselines measured in the same run on the same pages (raw bytes in, as a crawl receives them):

- bare ``lxml.html.fromstring`` (parsing alone: the practical limit);
- ``BeautifulSoup(data, "html.parser")`` (parsing alone).

    python3 bench/extract.py [--shared ../shared] [--seed 1] [--rounds 5]

Targets (issue 3): ≥ 0.7× the bare-lxml rate and ≥ 20× the BeautifulSoup rate.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup
from lxml import html

from auditor.extract import extract_metadata
from auditor.simulator.province import build_province
from auditor.simulator.render import write_province

REPO = Path(__file__).resolve().parent.parent


def corpus_pages(shared: Path) -> list[bytes]:
    corpus = shared / "corpus"
    return [p.read_bytes() for p in sorted(corpus.iterdir()) if "detail" in p.name or "guide" in p.name]


def simulator_pages(seed: int, folder: Path) -> list[bytes]:
    province = build_province(seed)
    write_province(province, folder)
    return [(folder / "sites" / b.id / d.path.lstrip("/")).read_bytes()
            for b in province.bureaus for d in b.documents]


def rates(contenders: dict[str, Callable[[bytes], object]], pages: list[bytes], rounds: int,
          chunk: int = 50) -> dict[str, float]:
    """Pages per CPU-second for each contender. The pages are timed in chunks of ``chunk``; each
    chunk is run ``rounds`` times by every contender in turn and its best time kept (as timeit
    recommends: the minimum is the run least disturbed by the rest of the machine); a rate is the
    pages over the sum of those best times. Short interleaved chunks give the slow contender the
    same chance of a quiet moment as the fast ones (one long pass rarely has none)."""
    total = dict.fromkeys(contenders, 0.0)
    for at in range(0, len(pages), chunk):
        part = pages[at:at + chunk]
        best = dict.fromkeys(contenders, float("inf"))
        for _ in range(rounds):
            for name, fn in contenders.items():
                gc.collect()
                gc.disable()  # as timeit does: garbage is not collected on another contender's time
                try:
                    started = time.process_time()  # CPU time: other processes do not count
                    for page in part:
                        fn(page)
                    best[name] = min(best[name], time.process_time() - started)
                finally:
                    gc.enable()
        for name in contenders:
            total[name] += best[name]
    return {name: len(pages) / seconds for name, seconds in total.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sets = {"corpus": corpus_pages(args.shared), "simulator": simulator_pages(args.seed, Path(tmp))}
    sets["all"] = sets["corpus"] + sets["simulator"]
    contenders = {"auditor": extract_metadata, "lxml": html.fromstring,
                  "bs4": lambda data: BeautifulSoup(data, "html.parser")}
    print(f"{'pages':<10}{'n':>6}{'KiB/page':>10}{'auditor/s':>12}{'lxml/s':>10}{'bs4/s':>9}{'vs lxml':>9}{'vs bs4':>8}")
    for name, pages in sets.items():
        measured = rates(contenders, pages * max(1, 200 // len(pages)), args.rounds)
        size = statistics.mean(len(p) for p in pages) / 1024
        print(f"{name:<10}{len(pages):>6}{size:>10.1f}{measured['auditor']:>12.0f}{measured['lxml']:>10.0f}{measured['bs4']:>9.0f}"
              f"{measured['auditor'] / measured['lxml']:>9.2f}{measured['auditor'] / measured['bs4']:>8.1f}")


if __name__ == "__main__":
    main()
