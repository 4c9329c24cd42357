"""Working days with the PRC holiday calendar, and a year it does not cover."""

from __future__ import annotations

import datetime as dt

import pytest

from auditor import workdays
from auditor.workdays import (
    CalendarGap,
    add_working_days,
    is_workday,
    working_days_between,
)


def test_national_day_and_make_up_days():
    assert not is_workday(dt.date(2026, 10, 1)) and not is_workday(dt.date(2026, 10, 7))
    assert is_workday(dt.date(2026, 9, 30))
    # 22 weekdays but 17 working days: the holiday week does not count
    assert working_days_between(dt.date(2026, 9, 21), dt.date(2026, 10, 21)) == 17
    assert working_days_between(dt.date(2026, 9, 25), dt.date(2026, 10, 30)) == 21
    assert working_days_between(dt.date(2026, 5, 6), dt.date(2026, 5, 6)) == 0
    assert add_working_days(dt.date(2026, 9, 30), 1) > dt.date(2026, 10, 7)


def test_uncovered_year_is_a_gap_not_a_weekday_guess():
    with pytest.raises(CalendarGap) as caught:
        working_days_between(dt.date(2026, 12, 30), dt.date(2027, 1, 6))
    assert caught.value.year == 2027 and "2027" in str(caught.value)


def test_override_file_adds_a_year(tmp_path, monkeypatch):
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / "2027.yaml").write_text(
        "- year: 2027\n  holidays: [2027-01-01]\n  workdays: [2027-01-09]\n", encoding="utf-8")
    monkeypatch.setattr(workdays, "catalogue_dir", lambda: tmp_path)
    assert not is_workday(dt.date(2027, 1, 1)) and is_workday(dt.date(2027, 1, 9))
    assert working_days_between(dt.date(2026, 12, 31), dt.date(2027, 1, 9)) == 6  # 4,5,6,7,8 + Saturday 9


def test_bad_calendar_override_names_file_line_and_key(tmp_path):
    from auditor.workdays import CalendarError, read_overrides

    (tmp_path / "2027.yaml").write_text(
        "- year: 2027\n  holidays: [2027-01-01, 2026-12-31]\n  workdays: [soon]\n- year: next\n  colour: red\n",
        encoding="utf-8")
    with pytest.raises(CalendarError) as caught:
        read_overrides(str(tmp_path))
    path = tmp_path / "2027.yaml"
    assert caught.value.problems == [
        f"{path}:3: [0].workdays: must be a list of dates (YYYY-MM-DD)",
        f"{path}:1: [0].holidays: 2026-12-31 is not in 2027",
        f"{path}:4: [1].year: must be a year",
        f"{path}:5: [1].colour: unknown key (allowed: year, holidays, workdays)",
    ]


def test_override_adds_a_year(tmp_path):
    from auditor.workdays import read_overrides

    (tmp_path / "2027.yaml").write_text("- year: 2027\n  holidays: [2027-01-01]\n  workdays: [2027-02-07]\n",
                                        encoding="utf-8")
    years, holidays, workdays = read_overrides(str(tmp_path))
    assert years == {2027} and holidays == {dt.date(2027, 1, 1)} and workdays == {dt.date(2027, 2, 7)}
