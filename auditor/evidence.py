"""The evidence archive: every response of a run in a WARC file (warcio; a request and a response
record per fetch, each gzip-compressed on its own), so a finding can be defended with the exact
bytes that were seen. A run's file opens with a ``warcinfo`` record naming the tool version and
commit, the command line and the catalogue version.

The file is written under a ``.part`` name and renamed when the crawl closes: a WARC with its
final name is always complete. Each page row records its file, record id and offset.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
import zlib
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PACKAGE = Path(__file__).resolve().parent


def tool_commit() -> str | None:
    """The git commit the tool runs from, when it runs from a git work tree."""
    try:
        done = subprocess.run(["git", "-C", str(PACKAGE), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def warc_path(db: Path, run_id: int) -> Path:
    return db.parent / "evidence" / f"run-{run_id}.warc.gz"


def _warc_date(fetched_at: str | None) -> str:
    moment = dt.datetime.fromisoformat(fetched_at) if fetched_at else dt.datetime.now(dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class EvidenceConflict(RuntimeError):
    """A run's WARC file in the store's folder belongs to another store."""


def warc_store(path: Path) -> str | None:
    """The store a WARC file was written for (its ``warcinfo`` record's ``store`` field), or None
    for a file written before that field existed, or unreadable."""
    try:
        with open(path, "rb") as stream:
            first = next(iter(ArchiveIterator(stream)), None)
            if first is None or first.rec_type != "warcinfo":
                return None
            lines = first.content_stream().read().splitlines()
    except Exception:  # noqa: BLE001 - whatever warcio raises on a torn or foreign file
        return None
    store = dict(line.split(b":", 1) for line in lines if b":" in line).get(b"store")
    return store.strip().decode("utf-8", "replace") if store else None


def claim_warc(path: Path, store: str, cited: bool) -> None:
    """Make ``path`` (a run's WARC, final or ``.part``) safe for ``store`` to write: every store in a
    folder shares ``evidence/``, so an existing file is appended to only when it is this store's.

    A file the store cites (a resumed run) or one older than the ``store`` field is kept and
    appended to. A file written for this store that it does not cite — its store was deleted and
    made again, or its crawl was killed before anything was committed — holds nothing a row points
    to: it is set aside (``.orphaned-…``), never deleted. A file of another store it does not cite
    is that store's evidence: ``EvidenceConflict``, and nothing is touched."""
    if cited:
        return
    for existing in (path.with_name(path.name + ".part"), path):
        if not existing.exists():
            continue
        owner = warc_store(existing)
        if owner is None:
            continue
        if owner != store:
            raise EvidenceConflict(
                f"{existing} holds the evidence of the store {owner!r}, kept in the same folder as {store!r}; "
                f"give each store a folder of its own (its evidence/ folder is shared)")
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        existing.replace(existing.with_name(f"{existing.name}.orphaned-{stamp}"))


class EvidenceWriter:
    """Appends one run's responses to ``run-N.warc.gz.part``; ``close`` renames it into place.
    ``info`` goes into the file's ``warcinfo`` record (its ``store`` field names the store the
    file is written for: see ``claim_warc``)."""

    def __init__(self, path: Path, info: dict[str, Any]):
        self.path = path
        self.partial = path.with_name(path.name + ".part")
        path.parent.mkdir(parents=True, exist_ok=True)
        resuming = self.partial.exists() or path.exists()
        if path.exists() and not self.partial.exists():
            path.replace(self.partial)  # a resumed run appends to its own file
        if resuming:
            truncate_to_complete(self.partial)  # a killed writer may have left half a record
        self.file: BinaryIO = open(self.partial, "ab")  # noqa: SIM115 - held open for the whole crawl
        self.buffer = io.BytesIO()  # warcio writes each record here; _append compresses it into the file
        self.writer = WARCWriter(self.buffer, gzip=False)
        info = {**info, "resumed": "yes"} if resuming else info
        self._append(self.writer.create_warcinfo_record(path.name, {k: str(v) for k, v in info.items()}))

    def _append(self, record: Any) -> int:
        """Write ``record`` as a gzip member of its own; return its offset. Level 6, not warcio's 9:
        the same size on these pages (within 0.1%) for a fifth less CPU. The window is no larger
        than the record (nothing lost: no match can reach further back; zlib's set-up for a full
        window costs a small record more than compressing it)."""
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.write_record(record)
        data = self.buffer.getvalue()
        window = max(9, min(zlib.MAX_WBITS, (len(data) - 1).bit_length()))
        offset = self.file.tell()
        self.file.write(zlib.compress(data, 6, wbits=window + 16))
        return offset

    def flush(self) -> None:
        """Hand written records to the OS: called before the store commits rows that cite them,
        so a committed row never points past what a killed process left on disk."""
        self.file.flush()

    def write(self, url: str, status: int, headers: list[tuple[str, str]], body: bytes, fetched_at: str | None,
              request_headers: list[tuple[str, str]]) -> tuple[str, int]:
        """Write the request and the response; return the response record's id and offset."""
        date = _warc_date(fetched_at)
        http = StatusAndHeaders(f"{status} {_reason(status)}", headers, protocol="HTTP/1.1")
        # with its length given, warcio reads the body in place (without, it copies it to a
        # temporary file and digests it twice)
        response = self.writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                  http_headers=http, warc_headers_dict={"WARC-Date": date})
        offset = self._append(response)
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        request = self.writer.create_warc_record(
            url, "request", payload=None, length=0,
            http_headers=StatusAndHeaders(f"GET {_path(url)} HTTP/1.1", request_headers, is_http_request=True),
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id})
        self._append(request)
        return record_id, offset

    def close(self) -> None:
        self.file.flush()
        self.file.close()
        self.partial.replace(self.path)


def truncate_to_complete(path: Path) -> int:
    """Cut a WARC file after its last complete record; return the new size."""
    end = 0
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream)
        try:
            for record in iterator:
                record.content_stream().read()
                end = iterator.get_record_offset() + iterator.get_record_length()
        except Exception:  # noqa: BLE001 - a torn record ends the good part, whatever warcio raises
            pass
    with open(path, "r+b") as stream:
        stream.truncate(end)
    return end


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass
class Archived:
    url: str
    record_id: str
    date: str
    status: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


def read_record(path: Path, offset: int, stream: BinaryIO | None = None) -> Archived:
    """The response record at ``offset`` of a WARC file (read from ``stream``, that file already
    open, when given: a report reads tens of thousands of records)."""
    if stream is None:
        with open(path, "rb") as opened:
            return read_record(path, offset, opened)
    stream.seek(offset)
    for record in ArchiveIterator(stream):
        if record.rec_type != "response":
            continue
        return Archived(url=record.rec_headers.get_header("WARC-Target-URI"),
                        record_id=record.rec_headers.get_header("WARC-Record-ID"),
                        date=record.rec_headers.get_header("WARC-Date"),
                        status=record.http_headers.get_statuscode(),
                        headers=list(record.http_headers.headers), body=record.content_stream().read())
    raise LookupError(f"no response record at offset {offset} of {path}")


class ArchiveReader:
    """Records of a store's WARC files by page row (``warc_file``, ``warc_offset``), each file
    opened once: a report or a re-extraction reads tens of thousands of records."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.streams: dict[str, BinaryIO] = {}

    def read(self, page: dict[str, Any]) -> Archived | None:
        """The page's archived response, or None when it has none or its file is gone (pruned)."""
        name = page.get("warc_file")
        if not name:
            return None
        if name not in self.streams:
            path = self.folder / name
            if not path.exists():
                return None
            self.streams[name] = open(path, "rb")  # noqa: SIM115 - closed by __exit__
        return read_record(self.folder / name, page["warc_offset"], self.streams[name])

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *exc: object) -> None:
        for stream in self.streams.values():
            stream.close()
