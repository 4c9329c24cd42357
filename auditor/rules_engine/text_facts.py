"""Facts read from a document's text (its page and its attachments) for content rules: a date
after a label (``批准时间：2026年5月6日``), a period (``公告期：2026年3月2日至2026年4月1日``), a
number after a label, and whether required elements are named. The labels are catalogue data.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache, lru_cache

from auditor.normalize import parse_date

DATE = r"(?:19|20)\d{2}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}\s*日?"
WITHIN = 60  # characters between a label and its value


@lru_cache(maxsize=1 << 14)  # titles are folded by several rules
def fold(text: str) -> str:
    """Full-width digits and punctuation to ASCII, so patterns see one spelling."""
    return unicodedata.normalize("NFKC", text)


@cache
def _after(label: str, value: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{label})[^\n。]{{0,{WITHIN}}}?({value})")


def date_after(text: str, label: str) -> dt.date | None:
    """The first date within a short distance after ``label`` (a regular expression)."""
    match = _after(label, DATE).search(text)
    return parse_date(match.group(1)) if match else None


def period_after(text: str, label: str) -> tuple[dt.date, dt.date] | None:
    """``label … DATE 至 DATE``: the first such period, or None."""
    match = _after(label, rf"{DATE}\s*(?:至|到|—|－|-|~|～)\s*{DATE}").search(text)
    if not match:
        return None
    dates = [parse_date(m.group(0)) for m in re.finditer(DATE, match.group(1))]
    if len(dates) != 2 or None in dates:
        return None
    return dates[0], dates[1]


def number_after(text: str, label: str) -> int | None:
    """The first whole number after ``label`` (counts in an annual report's tables)."""
    match = _after(label, r"\d+").search(text)
    return int(match.group(1)) if match else None


def missing_elements(text: str, elements: dict[str, str]) -> list[str]:
    """The names of the elements (name → regular expression) the text does not contain."""
    return [name for name, pattern in elements.items() if not re.search(pattern, text)]
