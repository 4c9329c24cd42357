"""Scrapy extensions of the auditor's crawl."""

from __future__ import annotations

import gc
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured


class CollectorTuning:
    """CPython's cyclic garbage collector, set for a long crawl.

    A crawl makes and drops millions of short-lived containers (requests, responses, deferreds,
    parse results). With the default threshold (700 net allocations) the collector ran some 5,000
    times in a 25,000-page crawl, and each full collection walked every object loaded at start
    (Scrapy, Twisted, lxml, the registry and profiles): 14% of the crawl process's CPU
    (``crawl_gc_seconds`` in a run's stats, ``bench/province.py``). When the engine starts, what
    is alive then is set aside for good (``gc.freeze``: it lives as long as the crawl anyway), and
    the youngest generation is collected every ``AUDITOR_GC_THRESHOLD`` net allocations.
    Reference counting still frees almost everything at once; only cycles wait a little longer.
    """

    def __init__(self, crawler: Any, threshold: int):
        self.stats = crawler.stats
        self.threshold = threshold
        self.before: tuple[int, int, int] | None = None
        self.started = 0.0
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Any) -> CollectorTuning:
        threshold = crawler.settings.getint("AUDITOR_GC_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured
        return cls(crawler, threshold)

    def engine_started(self) -> None:
        gc.collect()
        gc.freeze()
        self.before = gc.get_threshold()
        gc.set_threshold(self.threshold, *self.before[1:])
        gc.callbacks.append(self._timed)

    def engine_stopped(self) -> None:
        if self.before is None:
            return
        gc.callbacks.remove(self._timed)
        gc.set_threshold(*self.before)
        gc.unfreeze()

    def _timed(self, phase: str, info: dict[str, int]) -> None:
        """Count the collections and the time they take (stats ``gc/collections``, ``gc/seconds``)."""
        if phase == "start":
            self.started = time.perf_counter()
            return
        self.stats.inc_value("gc/collections")
        self.stats.inc_value("gc/seconds", time.perf_counter() - self.started)
