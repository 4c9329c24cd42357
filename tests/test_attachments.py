"""Attachment text: PDF and DOCX are read; scans, OFD and damaged files give a reason, not text."""

from __future__ import annotations

import io

import docx

from auditor.extract.attachments import attachment_kind, attachment_text
from auditor.simulator.render import PDF_BYTES, text_pdf


def test_pdf_text_is_read():
    read = attachment_text(text_pdf(["公务用车运行费8.3万元", "因公出国(境)费0万元"]), "http://x/a.pdf")
    assert read.text is not None and "公务用车运行费8.3万元" in read.text and "因公出国(境)费" in read.text


def test_docx_text_and_tables_are_read():
    document = docx.Document()
    document.add_paragraph("二、依申请公开：信函申请")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "公务接待费", "2.1"
    buffer = io.BytesIO()
    document.save(buffer)
    read = attachment_text(buffer.getvalue(), "http://x/guide.docx")
    assert read.text == "二、依申请公开：信函申请\n公务接待费 2.1"


def test_unreadable_files_say_why():
    assert attachment_text(PDF_BYTES, "http://x/scan.pdf").text is None
    assert attachment_text(b"%PDF-1.4 garbage", "http://x/bad.pdf").reason.startswith("附件无法解析")
    assert attachment_text(b"PK\x03\x04", "http://x/a.ofd") == attachment_text(b"", "http://x/b.ofd")
    assert attachment_text(b"", "http://x/b.ofd").reason == "OFD格式的附件无法读取文字"


def test_kind_from_type_or_suffix():
    assert attachment_kind("http://x/download?id=3", "application/pdf") == ".pdf"
    assert attachment_kind("http://x/P0202605.PDF", None) == ".pdf"
    assert attachment_kind("http://x/show/1.html", "text/html") is None
