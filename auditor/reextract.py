"""Re-extraction without re-crawling: after an extractor or profile fix, read every archived
detail page and attachment of a run again and replace its ``documents`` and ``attachments`` rows;
``auditor evaluate --reextract`` then evaluates the same crawl anew. Bodies come from the run's
WARC evidence (checked against the sha256 the crawl recorded); stores written before the WARC
existed keep theirs in the ``bodies`` table, which is read first."""

from __future__ import annotations

import json

from auditor.evidence import read_record
from auditor.extract.attachments import attachment_text
from auditor.extract.document import parse_html
from auditor.extract.encoding import decode
from auditor.extract.record import content_scope, document_fields
from auditor.profiles import GENERIC, load_profiles
from auditor.store import Store, sha256


class Bodies:
    """A run's response bodies by page row: the legacy ``bodies`` table, else the WARC record
    (each WARC file opened once)."""

    def __init__(self, store: Store):
        self.store, self.streams = store, {}

    def __call__(self, page: dict | None) -> bytes | None:
        if page is None or not page["sha256"]:
            return None
        body = self.store.body(page["sha256"])
        if body is None and page.get("warc_file"):
            path = self.store.path.parent / page["warc_file"]
            if not path.exists():
                return None
            if path not in self.streams:
                self.streams[path] = open(path, "rb")  # noqa: SIM115 - closed by close()
            body = read_record(path, page["warc_offset"], self.streams[path]).body
        return body if body is not None and sha256(body) == page["sha256"] else None

    def close(self) -> None:
        for stream in self.streams.values():
            stream.close()


def reextract_run(store: Store, run_id: int) -> dict[str, int]:
    """Re-read the run's documents and attachments; return how many were read and missing."""
    registry = json.loads(store.run(run_id)["registry"])
    profiles = load_profiles(registry.get("profiles"))
    counts = {"documents": 0, "attachments": 0, "missing": 0}
    pages = {r["url"]: r for r in store.rows("SELECT url, sha256, content_type, warc_file, warc_offset FROM pages "
                                             "WHERE run_id = ?", [run_id])}
    documents, attachments = [], []
    bodies = Bodies(store)
    for row in store.rows("SELECT url, bureau_id, profile, fetched_at FROM documents WHERE run_id = ?", [run_id]):
        page = pages.get(row["url"])
        body = bodies(page)
        if body is None:
            counts["missing"] += 1
            continue
        text = decode(body, page["content_type"]).text
        profile = profiles.get(row["profile"], GENERIC)
        fields = document_fields(text, content_scope(parse_html(text), profile), profile)
        documents.append({**row, **fields, "run_id": run_id, "raw": json.dumps(fields["raw"], ensure_ascii=False),
                          "conflicts": json.dumps(fields["conflicts"], ensure_ascii=False)})
    for row in store.rows("SELECT url, bureau_id FROM attachments WHERE run_id = ?", [run_id]):
        page = pages.get(row["url"])
        body = bodies(page)
        if body is None:
            counts["missing"] += 1
            continue
        read = attachment_text(body, row["url"], page["content_type"])
        attachments.append({**row, "run_id": run_id, "text": read.text, "reason": read.reason})
    bodies.close()
    with store.transaction():
        store.upsert_many("documents", documents)
        store.upsert_many("attachments", attachments)
    counts["documents"], counts["attachments"] = len(documents), len(attachments)
    return counts
