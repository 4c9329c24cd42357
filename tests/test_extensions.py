"""The crawl's own Scrapy extensions and log formatter."""

from __future__ import annotations

import gc
import json
import logging

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from auditor.store import Store
from spiders.extensions import CollectorTuning
from spiders.logformatter import LogFormatter


def test_the_collector_is_set_for_the_crawl_and_given_back_after():
    before = gc.get_threshold()
    crawler = get_crawler(settings_dict={"AUDITOR_GC_THRESHOLD": 12345})
    tuning = CollectorTuning.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.engine_started)
    try:
        assert gc.get_threshold() == (12345, *before[1:])
        assert gc.get_freeze_count() > 10_000  # what the test process has loaded: set aside
        cycle: list = []
        cycle.append(cycle)  # garbage only the collector can free
        del cycle
        gc.collect(0)
        assert crawler.stats.get_value("gc/collections") >= 1
        assert crawler.stats.get_value("gc/seconds") > 0
    finally:
        crawler.signals.send_catch_log(signals.engine_stopped)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    assert tuning._timed not in gc.callbacks


def test_threshold_zero_keeps_pythons_collector_as_it_is():
    with pytest.raises(NotConfigured):
        CollectorTuning.from_crawler(get_crawler(settings_dict={"AUDITOR_GC_THRESHOLD": 0}))


def test_an_audit_crawl_runs_with_the_tuned_collector(demo_audit):
    """The demo's 2,540 pages: one collection or so (at Python's default threshold, 700: some 170)."""
    stats = json.loads(Store(demo_audit["db"]).run()["stats"])
    assert stats["pages"] > 2000
    assert stats["crawl_gc_collections"] < 50 and stats["crawl_gc_seconds"] < 1


@pytest.mark.parametrize(("level", "logged"), [("INFO", False), ("DEBUG", True), (logging.DEBUG, True), ("ERROR", False)])
def test_crawled_records_are_built_only_when_the_level_keeps_them(level, logged):
    crawler = get_crawler(settings_dict={"LOG_LEVEL": level})
    formatter = LogFormatter.from_crawler(crawler)
    request = Request("http://127.0.0.2/a.html", headers={"Referer": "http://127.0.0.2/"})
    record = formatter.crawled(request, Response(request.url, request=request), None)
    if logged:
        assert record["level"] == logging.DEBUG and record["args"]["referer"] == "http://127.0.0.2/"
    else:
        assert record is None
