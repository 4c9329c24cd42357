"""Text of attachments (PDF, DOCX): budgets, final accounts and annual reports are usually
published as files, so content rules read them too.

A file whose text cannot be read (a scanned PDF without a text layer, OFD, old binary .doc)
gives no text and a reason: a content rule then says ``untestable``, never ``fail``.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_TEXT = 200_000  # characters kept per file
ATTACHMENT_SUFFIXES = (".pdf", ".docx", ".doc", ".ofd", ".wps", ".xls", ".xlsx", ".zip", ".rar")
_TYPES = {"application/pdf": ".pdf",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
          "application/msword": ".doc", "application/ofd": ".ofd"}


@dataclass(frozen=True)
class AttachmentText:
    text: str | None  # None: not readable
    reason: str = ""  # why not, in the report's words


def attachment_kind(url: str, content_type: str | None) -> str | None:
    """The file suffix an attachment is read as, or None when the response is not one."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media in _TYPES:
        return _TYPES[media]
    path = urlsplit(url).path.lower()
    return next((s for s in ATTACHMENT_SUFFIXES if path.endswith(s)), None)


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are common; we say so ourselves
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


READERS = {".pdf": _pdf, ".docx": _docx}


def attachment_text(data: bytes, url: str, content_type: str | None = None) -> AttachmentText:
    """Read an attachment's text; never raises."""
    kind = attachment_kind(url, content_type)
    reader = READERS.get(kind or "")
    if reader is None:
        return AttachmentText(None, f"{(kind or '未知').lstrip('.').upper()}格式的附件无法读取文字")
    try:
        text = reader(data)
    except Exception as exc:  # noqa: BLE001 - pypdf and python-docx raise many types on damaged files
        return AttachmentText(None, f"附件无法解析（{type(exc).__name__}）")
    if not text.strip():
        return AttachmentText(None, "附件无文字层（可能是扫描件）")
    return AttachmentText(text[:MAX_TEXT])
