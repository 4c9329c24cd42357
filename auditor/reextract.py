"""Re-extraction without re-crawling: after an extractor or profile fix, read every archived
detail page and attachment of a run again and replace its ``documents`` and ``attachments`` rows;
``auditor evaluate --reextract`` then evaluates the same crawl anew. Bodies come from the run's
WARC evidence (checked against the sha256 the crawl recorded); stores written before the WARC
existed keep theirs in the ``bodies`` table, which is read first."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from auditor.evidence import ArchiveReader
from auditor.extract.attachments import attachment_text
from auditor.extract.document import parse_html
from auditor.extract.encoding import decode
from auditor.extract.record import content_scope, document_fields, scope_markup
from auditor.profiles import GENERIC, load_profiles
from auditor.store import Store, sha256


def reextract_run(store: Store, run_id: int) -> dict[str, int]:
    """Re-read the run's documents and attachments; return how many were read and missing."""
    registry = json.loads(store.run(run_id)["registry"])
    profiles = load_profiles(registry.get("profiles"))
    counts = {"documents": 0, "attachments": 0, "missing": 0}
    pages = {r["url"]: r for r in store.rows("SELECT url, redirected_to, sha256, content_type, warc_file, warc_offset "
                                             "FROM pages WHERE run_id = ?", [run_id])}
    documents, attachments = [], []
    with ArchiveReader(store.path.parent) as archive:
        def archived(query: str) -> Iterator[tuple[dict[str, Any], dict[str, Any], bytes]]:
            """(row, its page, its body) for each row whose body is still archived and intact."""
            for row in store.rows(query, [run_id]):
                page = pages.get(row["url"])
                body = _body(store, archive, page) if page else None
                if body is None:
                    counts["missing"] += 1
                else:
                    yield row, page, body

        for row, page, body in archived("SELECT url, bureau_id, profile, fetched_at FROM documents WHERE run_id = ?"):
            text = decode(body, page["content_type"]).text
            profile = profiles.get(row["profile"], GENERIC)
            fields = document_fields(text, scope_markup(content_scope(parse_html(text), profile)), profile.name)
            documents.append({**row, **fields, "run_id": run_id, "raw": json.dumps(fields["raw"], ensure_ascii=False),
                              "conflicts": json.dumps(fields["conflicts"], ensure_ascii=False)})
        for row, page, body in archived("SELECT url, bureau_id FROM attachments WHERE run_id = ?"):
            read = attachment_text(body, page["redirected_to"] or row["url"], page["content_type"])  # as the writer
            attachments.append({**row, "run_id": run_id, "text": read.text, "reason": read.reason})
    with store.transaction():
        store.upsert_many("documents", documents)
        store.upsert_many("attachments", attachments)
    counts["documents"], counts["attachments"] = len(documents), len(attachments)
    return counts


def _body(store: Store, archive: ArchiveReader, page: dict[str, Any]) -> bytes | None:
    """A page's body: the legacy ``bodies`` table, else its WARC record; None unless it matches
    the sha256 the crawl recorded."""
    body = store.body(page["sha256"]) if page["sha256"] else None
    if body is None:
        record = archive.read(page)
        body = record.body if record else None
    return body if body is not None and sha256(body) == page["sha256"] else None
