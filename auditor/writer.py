"""The crawl's store writer in a process of its own, so that reading documents, archiving bodies
(gzip, digests) and SQLite writes run on a second core while the crawl process fetches and parses.

The crawl writes each item, pickled, straight into a one-way pipe (no helper thread in the crawl
process to compete with its reactor for the interpreter lock); the pipe is bounded (up to 1 MiB),
so a slow disk makes the crawl wait and memory stays bounded. The child owns the store and the
WARC file for the crawl's lifetime and writes through ``CrawlWriter`` exactly as an in-process
writer would: batches of whole items, each one transaction. If the crawl process dies, the child
dies with it (Linux parent-death signal; else its end of the pipe closes, or it notices its parent
is gone) without writing a crawl summary, as if one process had been killed; a resumed audit takes
over from what was committed.

The child runs at a lower scheduling priority (``WRITER_NICE``): when the machine's cores are all
busy, the crawl (its downloads have timeouts, the sites' connections wait on it) goes first and the
writer, a batch job with a pipe of work in hand, takes the gaps; with cores to spare it changes
nothing. Its effect on the benchmark's 2 cores is within that host's noise (BENCHMARKS.md).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import multiprocessing
import os
import pickle
import queue
import resource
import signal
import time
from typing import Any

from auditor.ingest import BATCH_SECONDS, CrawlWriter
from auditor.store import Store

PIPE_BYTES = 1 << 20  # the pipe's buffer where the system allows it (Linux: pipe-max-size)
WRITER_NICE = 10  # added to the crawl's niceness for the writer process (see above)
WRITER_FAILED_EXIT = 70  # the crawl's exit code when its writer failed: it stops as if killed


class WriterFailed(RuntimeError):
    """The writer process died or failed: nothing more can be stored."""


class WriterProcess:
    def __init__(self, db_path: str, run_id: int):
        context = multiprocessing.get_context("spawn")  # no fork of a running reactor
        inbox, self.outbox = context.Pipe(duplex=False)
        with contextlib.suppress(OSError, AttributeError):  # F_SETPIPE_SZ: Linux only
            fcntl.fcntl(self.outbox.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self.done = context.Queue(1)
        self.process = context.Process(target=_serve, args=(db_path, run_id, inbox, self.done, os.getpid()),
                                       name="auditor-writer", daemon=True)
        self.process.start()
        inbox.close()  # the child's end: once the child is gone, a write fails instead of blocking
        self.waited = 0.0  # seconds the crawl spent handing items over (a full pipe: the writer lags)

    def add(self, item: dict[str, Any]) -> None:
        """Hand an item over as it is now (pickled at once), waiting while the pipe is full."""
        self._send(("add", item))

    def finish(self, columns: list[dict[str, Any]], limits: list[dict[str, Any]], requests: int,
               stats: dict[str, Any]) -> None:
        """Write the crawl summary and ``stats`` (with the writer's own peak memory and CPU time) into the run,
        close the WARC and the store."""
        self._send(("finish", (columns, limits, requests, stats)))
        report = None
        while report is None and (self.process.is_alive() or not self.done.empty()):
            with contextlib.suppress(queue.Empty):
                report = self.done.get(timeout=1)
        self.process.join(60)
        self.outbox.close()
        if report is None or "error" in report:
            raise WriterFailed((report or {}).get("error") or f"the writer process exited with {self.process.exitcode}")

    def _send(self, message: tuple[str, Any]) -> None:
        data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        started = time.perf_counter()
        try:
            self.outbox.send_bytes(data)
        except OSError:  # the child is gone (EPIPE): nothing more can be stored
            self.process.join(5)
            raise WriterFailed(f"the writer process exited with {self.process.exitcode}") from None
        self.waited += time.perf_counter() - started


def _die_with_parent(parent: int) -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(3)


def _serve(db_path: str, run_id: int, inbox: Any, done: Any, parent: int) -> None:
    _die_with_parent(parent)
    os.nice(WRITER_NICE)
    for stop in (signal.SIGINT, signal.SIGTERM):  # the crawl's to handle (gracefully: it then sends
        signal.signal(stop, signal.SIG_IGN)       # "finish"); if it dies instead, so does this process
    store = Store(db_path)
    try:
        writer = CrawlWriter(store, run_id)
        while True:
            try:
                waiting = inbox.poll(BATCH_SECONDS)
                message = inbox.recv_bytes() if waiting else None
            except EOFError:  # the crawl died (its end of the pipe closed): no summary, as if killed
                os._exit(3)
            if message is None:
                if os.getppid() != parent:
                    os._exit(3)  # orphaned: stop without a summary, as a killed crawl would
                if writer.pending:
                    writer.flush()  # a quiet crawl still shows its progress
                continue
            kind, payload = pickle.loads(message)
            if kind == "add":
                writer.add(payload)
                continue
            columns, limits, requests, stats = payload
            writer.finish_crawl(columns, limits, requests)
            writer.close()
            usage = resource.getrusage(resource.RUSAGE_SELF)
            store.record_stats(run_id, {**stats, "writer_peak_rss_mib": round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
                                        "writer_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2)})
            done.put({})
            return
    except BaseException as error:  # reported to the crawl, which fails the run
        done.put({"error": f"{type(error).__name__}: {error}"})
        raise
    finally:
        store.close()
