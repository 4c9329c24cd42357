"""Normalisers for the values found in disclosure metadata: dates, 文号, 索引号, credit codes.

Each takes the raw text a page shows and returns a normalised value (or ``None``); none of
them raises on bad input, because pages are messy and a wrong read must not stop an audit.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_SPACES = re.compile(r"[\s\u3000\u2002\u2003\u00a0]+")

# 2020年12月07日 · 2012-08-21 09:22 · 2026-09-28-21:50:00 · 2023/12/15 · 2023.12.15 · 20231215
_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})(?!\d)"
)
_COMPACT_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?!\d)")


def squash_spaces(text: str) -> str:
    """Collapse every kind of white space (U+3000, &ensp;, &nbsp; …) to one ASCII space."""
    return " ".join(text.split())



def parse_date(text: str | None) -> dt.date | None:
    """The first calendar date in ``text``, or ``None`` when there is no valid one."""
    if not text:
        return None
    folded = unicodedata.normalize("NFKC", text)
    for pattern in (_DATE, _COMPACT_DATE):
        for match in pattern.finditer(folded):
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
    return None


def iso_date(text: str | None) -> str | None:
    """``parse_date`` as ``YYYY-MM-DD``."""
    if text and len(text) >= 10 and text[4] == "-" == text[7] and text[:2] in ("19", "20") \
            and text[:10].isascii() and (len(text) == 10 or not text[10].isdigit()):
        try:  # already ISO (most pages): the C parser, without the regex and NFKC passes
            return dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            pass
    date = parse_date(text)
    return date.isoformat() if date else None


# ---------------------------------------------------------------- 文号 (GB/T 9704-2012)

# A 文号 as it may be written, in any brackets and spacing (for finding one in free text);
# DOCNO_BRACKETS is its "〔2018〕16号" tail, a cheap anchor to search for first.
DOCNO_BRACKETS = r"[〔\[【(（［]\s*\d{2,4}\s*[〕\]】)）］]\s*第?\s*\d{1,5}\s*号"
DOCNO_PATTERN = r"[\u4e00-\u9fffA-Za-z]{1,20}?\s*[〔\[【(（［]\s*\d{2,4}\s*[〕\]】)）］]\s*第?\s*\d{1,5}\s*号"
_DOCNO = re.compile(
    r"(?P<agency>[\u4e00-\u9fffA-Za-z]{1,20}?)\s*(?P<open>[〔\[【(（［])\s*(?P<year>\d{2,4})\s*"
    r"(?P<close>[〕\]】)）］])\s*(?P<di>第?)\s*(?P<num>\d{1,5})\s*号"
)
DOCNO_NONE = {"无", "暂无", "/", "-", "—"}


@dataclass(frozen=True)
class DocNo:
    """A parsed 文号 and the ways it departs from GB/T 9704-2012."""

    text: str
    agency: str | None
    year: int | None
    number: int | None
    defects: tuple[str, ...]


def normalize_doc_no(text: str | None) -> str | None:
    """Remove white space inside a 文号 (``柘政〔 2018 〕 16 号`` → ``柘政〔2018〕16号``)."""
    if text is None:
        return None
    cleaned = _SPACES.sub("", text)
    return cleaned or None


@lru_cache(maxsize=1 << 16)  # a bureau's documents repeat prefixes; the rules ask several times
def parse_doc_no(text: str) -> DocNo:
    """Parse a 文号 into agency, year and number, naming each defect found."""
    cleaned = normalize_doc_no(text) or ""
    if cleaned in DOCNO_NONE:
        return DocNo(cleaned, None, None, None, ())
    match = _DOCNO.fullmatch(cleaned)
    if not match:
        return DocNo(cleaned, None, None, None, ("不符合“机关代字〔年份〕序号号”格式",))
    defects = []
    if match["open"] != "〔" or match["close"] != "〕":
        defects.append(f"年份应使用六角括号〔〕，实为{match['open']}{match['close']}")
    if len(match["year"]) != 4:
        defects.append("年份应写全称（4位）")
    if match["di"]:
        defects.append("序号前不加“第”")
    if match["num"].startswith("0"):
        defects.append("序号不编虚位（不加前导0）")
    return DocNo(cleaned, match["agency"], int(match["year"]), int(match["num"]), tuple(defects))



# ---------------------------------------------------------------- credit codes (GB 32100 / GB 11714)

_USCI_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCI_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def org_code_check_digit(first8: str) -> str | None:
    """GB 11714 check digit for the first eight characters of a 组织机构代码."""
    if len(first8) != 8 or any(ch not in _ORG_CHARS for ch in first8):
        return None
    remainder = 11 - sum(_ORG_CHARS.index(ch) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


@lru_cache(maxsize=1 << 16)  # a bureau's documents repeat prefixes; the rules ask several times
def org_code_valid(code: str) -> bool:
    return len(code) == 9 and org_code_check_digit(code[:8]) == code[8]


def usci_check_digit(first17: str) -> str | None:
    """GB 32100 check character for the first 17 characters of a 统一社会信用代码."""
    if len(first17) != 17 or any(ch not in _USCI_CHARS for ch in first17):
        return None
    total = sum(_USCI_CHARS.index(ch) * w for ch, w in zip(first17, _USCI_WEIGHTS, strict=True))
    return _USCI_CHARS[(31 - total % 31) % 31]


@lru_cache(maxsize=1 << 16)  # a bureau's documents repeat prefixes; the rules ask several times
def usci_valid(code: str) -> bool:
    return len(code) == 18 and usci_check_digit(code[:17]) == code[17]


# ---------------------------------------------------------------- 索引号 (research-notes §3.2)


@dataclass(frozen=True)
class IndexNo:
    """A parsed 索引号; ``format`` is ``None`` when no known national format matched."""

    text: str
    format: str | None
    prefix: str | None
    year: int | None
    month: int | None
    serial: str | None


_USCI = r"[0-9A-HJ-NPQRTUWXY]{18}"
_ORG = r"[0-9A-Z]{8}[0-9X]"
INDEX_FORMATS: dict[str, re.Pattern[str]] = {
    "usci/yyyymm-serial": re.compile(rf"(?P<prefix>{_USCI})/(?P<year>\d{{4}})(?P<month>0[1-9]|1[0-2])-(?P<serial>\d{{5}})"),
    "org/yyyymm-serial": re.compile(rf"(?P<prefix>{_ORG})/(?P<year>\d{{4}})(?P<month>0[1-9]|1[0-2])-(?P<serial>\d{{5}})"),
    "usci/yyyy-serial": re.compile(rf"(?P<prefix>{_USCI})/(?P<year>\d{{4}})-(?P<serial>\d{{5}})"),
    "org/yyyy-serial": re.compile(rf"(?P<prefix>{_ORG})/(?P<year>\d{{4}})-(?P<serial>\d{{5}})"),
    "org-yyyy-serial": re.compile(rf"(?P<prefix>{_ORG})-(?P<year>\d{{4}})-(?P<serial>\d+)"),
    "dept-class-yyyy-serial": re.compile(r"(?P<prefix>[A-Z]{2}\d{5}-\d{4})-(?P<year>\d{4})-(?P<serial>\d{5})"),
    # 地区-部门-类别-分组-YYYYMMDD-序号 (Ningbo, 大汉 jcms)
    "six-part-yyyymmdd": re.compile(r"(?P<prefix>[0-9A-Za-z]+(?:-[0-9A-Za-z]+){3})-(?P<year>\d{4})"
                                    r"(?P<month>0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])-(?P<serial>\d+)"),
}


@lru_cache(maxsize=1 << 16)  # a bureau's documents repeat prefixes; the rules ask several times
def parse_index_no(text: str) -> IndexNo:
    """Parse a 索引号 against the known national formats; unknown formats are kept raw."""
    cleaned = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    for name, pattern in INDEX_FORMATS.items():
        match = pattern.fullmatch(cleaned)
        if match:
            parts = match.groupdict()
            month = parts.get("month")
            return IndexNo(cleaned, name, parts["prefix"], int(parts["year"]),
                           int(month) if month else None, parts["serial"])
    return IndexNo(cleaned, None, None, None, None, None)
