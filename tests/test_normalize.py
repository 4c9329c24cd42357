"""Normalisers: dates, 文号, 索引号 and credit codes, with property-based checks."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.normalize import (
    iso_date,
    normalize_doc_no,
    org_code_valid,
    parse_date,
    parse_doc_no,
    parse_index_no,
    usci_check_digit,
    usci_valid,
)

# ZWGK_FUZZ_SCALE=100 turns these properties into a sustained fuzz run (docs/reliability.md)
SCALE = int(os.environ.get("ZWGK_FUZZ_SCALE", "1"))


@pytest.mark.parametrize("text, expected", [
    ("2020年12月07日", "2020-12-07"), ("2012-08-21 09:22", "2012-08-21"),
    ("2026-09-28-21:50:00", "2026-09-28"), ("2023/12/15", "2023-12-15"), ("2023.12.15", "2023-12-15"),
    ("２０２３年１２月１５日", "2023-12-15"), ("发布时间:2023-12-15 11:52 来源", "2023-12-15"),
    ("2018-06-28 08:43:47", "2018-06-28"), ("2023-02-30", None), ("", None), (None, None), ("无", None),
])
def test_dates(text, expected):
    assert iso_date(text) == expected


FORMATS = ["{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m:02d}.{d:02d}",
           "{y}-{m:02d}-{d:02d} 09:22", "{y}-{m:02d}-{d:02d}-21:50:00", "{y}年{m:02d}月{d:02d}日"]


@settings(max_examples=300 * SCALE, deadline=None)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)), st.sampled_from(FORMATS),
       st.booleans())
def test_date_round_trip(day, fmt, fullwidth):
    text = fmt.format(y=day.year, m=day.month, d=day.day)
    if fullwidth:
        text = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    assert parse_date(text) == day


@settings(max_examples=500 * SCALE, deadline=None)
@given(st.text())
def test_normalisers_never_raise(text):
    parse_date(text)
    parse_doc_no(text)
    parse_index_no(text)
    usci_valid(text)


@pytest.mark.parametrize("text, defects", [
    ("国办发〔2020〕50号", ()), ("柘政〔 2018 〕 16 号", ()), ("无", ()),
    ("宣财发[2025]7号", ("年份应使用六角括号〔〕，实为[]",)),
    ("宣财发〔2025〕第8号", ("序号前不加“第”",)),
    ("宣财发〔2025〕08号", ("序号不编虚位（不加前导0）",)),
    ("宣财发（25）8号", ("年份应使用六角括号〔〕，实为（）", "年份应写全称（4位）")),
    ("第八号文件", ("不符合“机关代字〔年份〕序号号”格式",)),
])
def test_doc_no_defects(text, defects):
    assert parse_doc_no(text).defects == defects


def test_doc_no_parts():
    parsed = parse_doc_no("柘政〔 2018 〕 16 号")
    assert (parsed.text, parsed.agency, parsed.year, parsed.number) == ("柘政〔2018〕16号", "柘政", 2018, 16)
    assert normalize_doc_no(" 岚综实财〔2012〕51号 ") == "岚综实财〔2012〕51号"


@pytest.mark.parametrize("text, fmt, prefix, year, month, serial", [
    ("11341700MB1631138U/202504-00027", "usci/yyyymm-serial", "11341700MB1631138U", 2025, 4, "00027"),
    ("003110926/201510-00216", "org/yyyymm-serial", "003110926", 2015, 10, "00216"),
    ("11620622013933539B/2021-03844", "usci/yyyy-serial", "11620622013933539B", 2021, None, "03844"),
    ("000014349/2020-00131", "org/yyyy-serial", "000014349", 2020, None, "00131"),
    ("01527918X-2020-153077", "org-yyyy-serial", "01527918X", 2020, None, "153077"),
    ("PZ00108-3000-2012-00001", "dept-class-yyyy-serial", "PZ00108-3000", 2012, None, "00001"),
    ("XCZR-2025-0012", None, None, None, None, None),
])
def test_index_formats(text, fmt, prefix, year, month, serial):
    parsed = parse_index_no(text)
    assert (parsed.format, parsed.prefix, parsed.year, parsed.month, parsed.serial) == (fmt, prefix, year, month, serial)


def test_credit_codes():
    assert usci_valid("11341700MB1631138U") and org_code_valid("MB1631138")
    assert not usci_valid("11341700MB1631138V") and not org_code_valid("MB1631139")
    assert usci_check_digit("11341700MB1631138") == "U"
    assert usci_check_digit("11341700MB163113I") is None  # I is not in the GB 32100 alphabet


USCI_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@settings(max_examples=400 * SCALE, deadline=None)
@given(st.text(alphabet=USCI_ALPHABET, min_size=17, max_size=17), st.integers(0, 16), st.integers(1, 30))
def test_usci_check_digit_catches_any_single_substitution(body, position, shift):
    code = body + usci_check_digit(body)
    assert usci_valid(code)
    wrong = USCI_ALPHABET[(USCI_ALPHABET.index(body[position]) + shift) % 31]
    assert not usci_valid(code[:position] + wrong + code[position + 1:])


@settings(max_examples=300 * SCALE, deadline=None)
@given(st.sampled_from(["11341700MB1631138U", "003110926", "11620622013933539B"]),
       st.integers(1990, 2099), st.integers(1, 12), st.integers(0, 99999), st.booleans())
def test_index_round_trip(prefix, year, month, serial, with_month):
    text = f"{prefix}/{year}{month:02d}-{serial:05d}" if with_month else f"{prefix}/{year}-{serial:05d}"
    parsed = parse_index_no(text)
    assert (parsed.prefix, parsed.year, parsed.month, int(parsed.serial)) == (
        prefix, year, month if with_month else None, serial)
    assert parsed.format.endswith("yyyymm-serial" if with_month else "yyyy-serial")


def test_six_part_index():
    parsed = parse_index_no("330201-01-02-03-20240315-0012")
    assert (parsed.format, parsed.prefix, parsed.year, parsed.month, parsed.serial) == (
        "six-part-yyyymmdd", "330201-01-02-03", 2024, 3, "0012")


@settings(max_examples=300 * SCALE, deadline=None)
@given(st.text(alphabet="皖宣财政发办规自然资郎泾函", min_size=1, max_size=6), st.integers(1990, 2099),
       st.integers(1, 999), st.sampled_from(["", "brackets", "di", "zero"]))
def test_doc_no_defects_are_named(agency, year, number, defect):
    text = {"": f"{agency}〔{year}〕{number}号", "brackets": f"{agency}[{year}]{number}号",
            "di": f"{agency}〔{year}〕第{number}号", "zero": f"{agency}〔{year}〕0{number}号"}[defect]
    parsed = parse_doc_no(text)
    assert (parsed.agency, parsed.year, parsed.number) == (agency, year, number)
    expected = {"": (), "brackets": ("年份应使用六角括号〔〕，实为[]",), "di": ("序号前不加“第”",),
                "zero": ("序号不编虚位（不加前导0）",)}[defect]
    assert parsed.defects == expected
