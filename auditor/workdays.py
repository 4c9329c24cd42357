"""PRC working days (法定节假日 and 调休 make-up days) in front of chinese-calendar.

A year that neither chinese-calendar nor an override file covers raises ``CalendarGap``: the
rule then reports ``untestable`` with the reason, never a silent weekday-only count. Users add
a newly announced year in ``rules/calendar/*.yaml`` (keys ``year``, ``holidays``, ``workdays``).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import chinese_calendar
import yaml

from auditor.resources import catalogue_dir


class CalendarGap(LookupError):
    """The working-day calendar does not cover a year."""

    def __init__(self, year: int):
        super().__init__(f"工作日历未覆盖{year}年（chinese-calendar 与 rules/calendar/ 均无该年数据）")
        self.year = year


@cache
def _overrides(folder: str) -> tuple[frozenset[int], frozenset[dt.date], frozenset[dt.date]]:
    years: set[int] = set()
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for path in sorted(Path(folder).glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            years.add(int(entry["year"]))
            holidays.update(entry.get("holidays") or [])
            workdays.update(entry.get("workdays") or [])
    return frozenset(years), frozenset(holidays), frozenset(workdays)


def is_workday(day: dt.date) -> bool:
    years, holidays, workdays = _overrides(str(catalogue_dir() / "calendar"))
    if day.year in years:
        if day in holidays:
            return False
        if day in workdays:
            return True
        return day.weekday() < 5
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as exc:
        raise CalendarGap(day.year) from exc


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
    count, day = 0, start + dt.timedelta(days=1)
    while day <= end:
        count += is_workday(day)
        day += dt.timedelta(days=1)
    return count


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start``."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        days -= is_workday(day)
    return day
