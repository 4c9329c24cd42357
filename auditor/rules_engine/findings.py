"""A finding: one rule's result for one bureau and one subject, explained enough to act on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class Finding:
    bureau: str
    rule: str
    status: str
    severity: str
    rule_title: str
    subject: str  # the document URL, column/site URL or catalogue item the finding is about
    message: str = ""
    expected: str = ""
    found: str = ""
    documents: list[dict[str, str]] = field(default_factory=list)  # [{title, url}]
    evidence: dict[str, str | None] = field(default_factory=dict)  # {url, fetched_at, sha256, warc, record}
    basis: str = ""
    advice: str = ""
    area: str = ""
    veto: bool = False
    details: dict[str, Any] = field(default_factory=dict)
    catalogue_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract's record (a shallow copy: a report of 50,000 findings makes one each)."""
        return {name: getattr(self, name) for name in _FIELDS}

    def to_row(self, run_id: int) -> dict[str, Any]:
        return {
            "run_id": run_id, "bureau_id": self.bureau, "rule": self.rule, "status": self.status,
            "severity": self.severity, "subject": self.subject, "message": self.message,
            "expected": self.expected, "found": self.found,
            "documents": json.dumps(self.documents, ensure_ascii=False),
            "evidence_url": self.evidence.get("url"), "evidence_fetched_at": self.evidence.get("fetched_at"),
            "evidence_sha256": self.evidence.get("sha256"), "evidence_warc": self.evidence.get("warc"),
            "evidence_record": self.evidence.get("record"),
            "details": json.dumps({**self.details, "basis": self.basis, "advice": self.advice,
                                   "rule_title": self.rule_title, "area": self.area, "veto": self.veto},
                                  ensure_ascii=False),
            "catalogue_version": self.catalogue_version,
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Finding:
        details = json.loads(row["details"] or "{}")
        return cls(
            bureau=row["bureau_id"], rule=row["rule"], status=row["status"], severity=row["severity"],
            rule_title=details.pop("rule_title", ""), subject=row["subject"], message=row["message"],
            expected=row["expected"], found=row["found"], documents=json.loads(row["documents"] or "[]"),
            evidence={"url": row["evidence_url"], "fetched_at": row["evidence_fetched_at"],
                      "sha256": row.get("evidence_sha256"), "warc": row.get("evidence_warc"),
                      "record": row.get("evidence_record")},
            basis=details.pop("basis", ""), advice=details.pop("advice", ""),
            area=details.pop("area", ""), veto=details.pop("veto", False), details=details,
            catalogue_version=row["catalogue_version"])


_FIELDS = tuple(f.name for f in fields(Finding))
