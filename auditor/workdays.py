"""PRC working days (法定节假日 and 调休 make-up days) in front of chinese-calendar.

A year that neither chinese-calendar nor an override file covers raises ``CalendarGap``: the
rule then reports ``untestable`` with the reason, never a silent weekday-only count. Users add
a newly announced year in ``rules/calendar/*.yaml`` (keys ``year``, ``holidays``, ``workdays``).
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache
from pathlib import Path

import chinese_calendar
import yaml

from auditor.resources import catalogue_dir
from auditor.yamlcheck import YamlChecker, YamlFileError, compose


class CalendarGap(LookupError):
    """The working-day calendar does not cover a year."""

    def __init__(self, year: int):
        super().__init__(f"工作日历未覆盖{year}年（chinese-calendar 与 rules/calendar/ 均无该年数据）")
        self.year = year


class CalendarError(YamlFileError):
    """A calendar override file that cannot be used."""


def _dates(value: object) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, dt.date) for v in value):
        return "must be a list of dates (YYYY-MM-DD)"
    return None


ENTRY_KEYS = {"year": (True, lambda v: None if isinstance(v, int) and 1949 < v < 2200 else "must be a year"),
              "holidays": (False, _dates), "workdays": (False, _dates)}


def read_overrides(folder: str) -> tuple[frozenset[int], frozenset[dt.date], frozenset[dt.date]]:
    """Read ``folder/*.yaml``; raise ``CalendarError`` naming file, line and key for each problem."""
    years: set[int] = set()
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    problems: list[str] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        checker = YamlChecker(path)
        root = compose(path.read_text(encoding="utf-8"), path, CalendarError)
        if root is not None and not isinstance(root, yaml.SequenceNode):
            checker.problem(root, "(top)", "must be a list of {year, holidays, workdays}")
        for i, node in enumerate(root.value if isinstance(root, yaml.SequenceNode) else []):
            entry = {k: v[1] for k, v in checker.mapping(node, f"[{i}]", ENTRY_KEYS).items()}
            year = entry.get("year")
            for key in ("holidays", "workdays"):
                stray = [d for d in entry.get(key) or [] if isinstance(d, dt.date) and d.year != year]
                if stray and isinstance(year, int):
                    checker.problem(node, f"[{i}].{key}", f"{stray[0].isoformat()} is not in {year}")
            if not checker.problems:
                years.add(year)
                holidays.update(entry.get("holidays") or [])
                workdays.update(entry.get("workdays") or [])
        problems.extend(checker.problems)
    if problems:
        raise CalendarError(problems)
    return frozenset(years), frozenset(holidays), frozenset(workdays)


_overrides = cache(read_overrides)


def is_workday(day: dt.date) -> bool:
    return _is_workday(str(catalogue_dir() / "calendar"), day)


@lru_cache(maxsize=1 << 16)
def _is_workday(calendar: str, day: dt.date) -> bool:
    """One look-up per calendar folder and day (chinese_calendar validates each call: ~40 µs)."""
    years, holidays, workdays = _overrides(calendar)
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


@cache
def _running_count(year: int) -> tuple[int, ...]:
    """``counts[n]``: working days among the first ``n`` days of ``year`` (one look-up per day, once)."""
    counts, day = [0], dt.date(year, 1, 1)
    while day.year == year:
        counts.append(counts[-1] + is_workday(day))
        day += dt.timedelta(days=1)
    return tuple(counts)


@cache
def _new_year(year: int) -> int:
    return dt.date(year, 1, 1).toordinal() - 1


def _through(day: dt.date) -> int:
    return _running_count(day.year)[day.toordinal() - _new_year(day.year)]


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end ≤ start). Constant
    time per call after a year's first use, so a million documents cost a million look-ups."""
    if end <= start:
        return 0
    if start.year == end.year:
        return _through(end) - _through(start)
    count = _running_count(start.year)[-1] - _through(start) + _through(end)
    return count + sum(_running_count(year)[-1] for year in range(start.year + 1, end.year))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start``."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        days -= is_workday(day)
    return day
