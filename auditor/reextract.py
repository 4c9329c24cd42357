"""Re-extraction without re-crawling: after an extractor or profile fix, read every archived
detail page and attachment of a run again and replace its ``documents`` and ``attachments`` rows;
``auditor evaluate --reextract`` then evaluates the same crawl anew. Bodies come from the store's
content-addressed archive (the same bytes as the run's WARC, checked by sha256)."""

from __future__ import annotations

import json

from auditor.extract.attachments import attachment_text
from auditor.extract.document import parse_html
from auditor.extract.encoding import decode
from auditor.extract.record import content_scope, document_fields
from auditor.profiles import GENERIC, load_profiles
from auditor.store import Store, sha256


def reextract_run(store: Store, run_id: int) -> dict[str, int]:
    """Re-read the run's documents and attachments; return how many were read and missing."""
    registry = json.loads(store.run(run_id)["registry"])
    profiles = load_profiles(registry.get("profiles"))
    counts = {"documents": 0, "attachments": 0, "missing": 0}
    pages = {r["url"]: r for r in store.rows("SELECT url, sha256, content_type FROM pages WHERE run_id = ?", [run_id])}
    documents, attachments = [], []
    for row in store.rows("SELECT url, bureau_id, profile, fetched_at FROM documents WHERE run_id = ?", [run_id]):
        page = pages.get(row["url"])
        body = store.body(page["sha256"]) if page else None
        if body is None or sha256(body) != page["sha256"]:
            counts["missing"] += 1
            continue
        text = decode(body, page["content_type"]).text
        profile = profiles.get(row["profile"], GENERIC)
        fields = document_fields(text, content_scope(parse_html(text), profile), profile)
        documents.append({**row, **fields, "run_id": run_id, "raw": json.dumps(fields["raw"], ensure_ascii=False),
                          "conflicts": json.dumps(fields["conflicts"], ensure_ascii=False)})
    for row in store.rows("SELECT url, bureau_id FROM attachments WHERE run_id = ?", [run_id]):
        page = pages.get(row["url"])
        body = store.body(page["sha256"]) if page else None
        if body is None:
            counts["missing"] += 1
            continue
        read = attachment_text(body, row["url"], page["content_type"])
        attachments.append({**row, "run_id": run_id, "text": read.text, "reason": read.reason})
    with store.transaction():
        store.upsert_many("documents", documents)
        store.upsert_many("attachments", attachments)
    counts["documents"], counts["attachments"] = len(documents), len(attachments)
    return counts
