"""The evidence archive of the demo audit: every response in a WARC readable by warcio, each
record matching the sha256 the store holds, findings pointing at their record, ``auditor
evidence`` extracting the archived copy, and the report's archived-copy pages."""

from __future__ import annotations

import hashlib
import shutil

from warcio.archiveiterator import ArchiveIterator

from auditor.evidence import EvidenceWriter
from auditor.ingest import CrawlWriter
from auditor.store import Store
from tests.conftest import page_item, run_auditor, start_run


def test_every_response_is_archived_and_matches_the_store(demo_audit):
    store = Store(demo_audit["db"])
    pages = {r["warc_record"]: r for r in store.rows("SELECT * FROM pages WHERE warc_record IS NOT NULL")}
    assert len(pages) == store.count("pages", "status IS NOT NULL") > 2000
    (warc_file,) = {r["warc_file"] for r in pages.values()}
    path = demo_audit["db"].parent / warc_file
    assert path.name == "run-1.warc.gz" and not path.with_name(path.name + ".part").exists()
    seen, info, requests = {}, None, {}
    with open(path, "rb") as stream:  # warcio checks each record's block and payload digests
        for record in ArchiveIterator(stream, check_digests="raise"):
            content = record.content_stream().read()
            if record.rec_type == "warcinfo":
                info = content.decode("utf-8")
            elif record.rec_type == "response":
                seen[record.rec_headers.get_header("WARC-Record-ID")] = (
                    record.rec_headers.get_header("WARC-Target-URI"), hashlib.sha256(content).hexdigest())
                assert record.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")
            elif record.rec_type == "request":
                requests[record.rec_headers.get_header("WARC-Concurrent-To")] = (
                    record.rec_headers.get_header("WARC-Target-URI"), record.http_headers.protocol)
    assert seen.keys() == pages.keys() == requests.keys()
    assert all(requests[rid] == (row["url"], "GET") for rid, row in pages.items())
    assert all(seen[rid] == (row["url"], row["sha256"]) for rid, row in pages.items())
    assert info is not None and "software: zwgk-auditor" in info and "catalogue-version: 2026.11.2" in info
    assert "command: " in info and "commit: " in info


def test_findings_cite_their_record_and_evidence_extracts_it(demo_audit, tmp_path):
    store = Store(demo_audit["db"])
    fails = store.rows("SELECT f.id, f.evidence_url, f.evidence_sha256, f.evidence_record, p.warc_record, p.sha256 "
                       "FROM findings f JOIN pages p ON p.run_id = f.run_id AND p.url = f.evidence_url "
                       "WHERE f.status = 'fail'")
    assert fails and all(f["evidence_record"] == f["warc_record"] and f["evidence_sha256"] == f["sha256"] for f in fails)
    one = fails[0]
    shown = run_auditor("evidence", "--db", str(demo_audit["db"]), str(one["id"]))
    assert shown.returncode == 0 and f"sha256: {one['sha256']} (matches the store)" in shown.stdout
    body = tmp_path / "copy.html"
    extracted = run_auditor("evidence", "--db", str(demo_audit["db"]), one["evidence_url"], "--out", str(body))
    assert extracted.returncode == 0 and hashlib.sha256(body.read_bytes()).hexdigest() == one["sha256"]
    missing = run_auditor("evidence", "--db", str(demo_audit["db"]), "http://127.0.0.9:1/nowhere.html")
    assert missing.returncode == 2 and "no archived copy" in missing.stderr


def test_report_links_rendered_archived_copies(demo_audit):
    out = demo_audit["out"]
    page = (out / "bureau" / "xc-zrzy.html").read_text(encoding="utf-8")
    links = [part.split('"')[0] for part in page.split('href="../archive/')[1:]]
    assert links and all((out / "archive" / link).exists() for link in links)
    copy = (out / "archive" / links[0]).read_text(encoding="utf-8")
    assert "（与检查库记录一致）" in copy and "<script" not in copy.split("<main>")[1]


def test_reevaluation_from_the_archive_equals_the_original(demo_audit, tmp_path):
    import shutil

    db = tmp_path / "copy.db"
    shutil.copy(demo_audit["db"], db)
    shutil.copytree(demo_audit["db"].parent / "evidence", tmp_path / "evidence")  # bodies live in the WARC
    for suffix in ("-wal", "-shm"):
        if demo_audit["db"].with_name(demo_audit["db"].name + suffix).exists():
            shutil.copy(demo_audit["db"].with_name(demo_audit["db"].name + suffix), db.with_name(db.name + suffix))
    store = Store(db)
    before = store.rows("SELECT bureau_id, rule, status, subject, message FROM findings ORDER BY 1, 2, 4, 5")
    documents = store.rows("SELECT url, index_no, doc_no, published, written, text FROM documents ORDER BY url")
    attachments = store.rows("SELECT url, text, reason FROM attachments ORDER BY url")
    assert sum(a["text"] is not None for a in attachments) > 10
    store.db.execute("UPDATE documents SET index_no = NULL, text = ''")  # as if the extractor had missed them
    store.db.execute("UPDATE attachments SET text = NULL, reason = NULL")
    store.db.conn.commit()
    store.close()
    result = run_auditor("-q", "evaluate", "--db", str(db), "--run", "1", "--reextract")
    assert result.returncode == 0, result.stderr
    store = Store(db)
    assert store.rows("SELECT url, index_no, doc_no, published, written, text FROM documents ORDER BY url") == documents
    assert store.rows("SELECT url, text, reason FROM attachments ORDER BY url") == attachments
    assert store.rows("SELECT bureau_id, rule, status, subject, message FROM findings ORDER BY 1, 2, 4, 5") == before


def _info(path) -> str:
    with open(path, "rb") as stream:
        return next(iter(ArchiveIterator(stream))).content_stream().read().decode("utf-8")


def test_a_store_never_writes_into_another_stores_evidence(demo_audit, tmp_path):
    """Stores in one folder share ``evidence/``: a second store's run 1 must not append to (or, at
    retention, delete) the first store's run-1 file."""
    shutil.copytree(demo_audit["db"].parent / "evidence", tmp_path / "evidence")
    warc = tmp_path / "evidence" / "run-1.warc.gz"
    before = hashlib.sha256(warc.read_bytes()).hexdigest()
    assert "store: audit.db" in _info(warc)
    (tmp_path / "sites.yaml").write_text(demo_audit["registry"], encoding="utf-8")
    done = run_auditor("-q", "audit", "--sites", str(tmp_path / "sites.yaml"), "--db", str(tmp_path / "other.db"),
                       "--out", str(tmp_path / "report"))
    assert done.returncode == 2 and "证据文件属于另一个检查库" in done.stderr, done.stderr
    assert "'audit.db'" in done.stderr and "run-1.warc.gz" in done.stderr
    assert hashlib.sha256(warc.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in warc.parent.iterdir()) == ["run-1.warc.gz"]
    run = Store(tmp_path / "other.db").run(1)
    assert run["status"] == "failed" and "audit.db" in run["stats"]


def test_evidence_nothing_cites_is_set_aside_and_cited_evidence_is_resumed(tmp_path):
    store = Store(tmp_path / "a.db")
    run_id = start_run(store)
    writer = CrawlWriter(store, run_id)
    writer.add(page_item(run_id, 1))
    writer.close()
    store.close()
    old = (tmp_path / "evidence" / "run-1.warc.gz").read_bytes()
    for leftover in tmp_path.glob("a.db*"):  # the store is deleted and made again; its evidence stays
        leftover.unlink()
    store = Store(tmp_path / "a.db")
    run_id = start_run(store)
    writer = CrawlWriter(store, run_id)
    (aside,) = (tmp_path / "evidence").glob("run-1.warc.gz.orphaned-*")
    assert aside.read_bytes() == old  # set aside whole, never deleted
    writer.add(page_item(run_id, 2))
    writer.flush()  # committed: the store now cites the .part file's records
    part = tmp_path / "evidence" / "run-1.warc.gz.part"
    assert "resumed" not in _info(part)
    # a crawl killed after that commit: the next writer of the run appends to its file
    writer = CrawlWriter(store, run_id)
    writer.add(page_item(run_id, 3))
    writer.close()
    urls = []
    with open(tmp_path / "evidence" / "run-1.warc.gz", "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                urls.append(record.rec_headers.get_header("WARC-Target-URI"))
    assert urls == ["http://127.0.0.2/2.html", "http://127.0.0.2/3.html"]
    assert [p.name for p in (tmp_path / "evidence").glob("run-1.warc.gz.orphaned-*")] == [aside.name]


def test_evidence_from_before_the_store_field_is_appended_to(tmp_path):
    """A WARC written before files named their store cannot be told apart: kept and appended to."""
    folder = tmp_path / "evidence"
    legacy = EvidenceWriter(folder / "run-1.warc.gz", {"software": "zwgk-auditor 0.0.9"})
    legacy.close()
    size = (folder / "run-1.warc.gz").stat().st_size
    store = Store(tmp_path / "b.db")
    run_id = start_run(store)
    writer = CrawlWriter(store, run_id)
    writer.add(page_item(run_id, 1))
    writer.close()
    assert (folder / "run-1.warc.gz").stat().st_size > size and not list(folder.glob("*.orphaned-*"))
