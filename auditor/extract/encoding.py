"""Decode page bytes right: BOM, HTTP header, <meta charset>, then sniffing.

GB2312 and GBK are decoded as GB18030 (a superset). A declaration is distrusted when the bytes
contradict it: a ``charset=utf-8`` header on GBK bytes does not decode (replacement characters),
and a GB declaration on bytes that are valid multi-byte UTF-8 is almost surely wrong (GB18030
decodes any bytes, into nonsense). A UTF-8 page with a few damaged bytes stays UTF-8.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
            "gb_2312-80": "gb18030", "utf8": "utf-8"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    guessed: bool  # True when no declaration was trusted and the encoding was sniffed


@lru_cache(maxsize=256)
def _canonical(name: str) -> str | None:
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _clean(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(data: bytes, content_type: str | None = None) -> Decoded:
    """Decode ``data``; never raises (falls back to GB18030/UTF-8 with replacement)."""
    if data[:1] in (b"\xef", b"\xff", b"\xfe"):  # a BOM's first byte (none is ASCII)
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                return Decoded(data[len(bom):].decode(encoding, "replace"), encoding, False)
    declared: list[str] = []
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            declared.append(match.group(1))
    match = _META_CHARSET.search(data[:4096])
    if match:
        declared.append(match.group(1).decode("ascii", "ignore"))
    for name in declared:
        encoding = _canonical(name)
        if encoding == "gb18030" and not data.isascii():
            utf8 = _clean(data, "utf-8")
            if utf8 is not None:
                return Decoded(utf8, "utf-8", True)
        if encoding:
            text = _clean(data, encoding)
            if text is not None:
                return Decoded(text, encoding, False)
    text = _clean(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", True)
    utf8 = data.decode("utf-8", "replace")
    if utf8.count("\ufffd") <= max(2, len(data) // 1000):
        return Decoded(utf8, "utf-8", True)  # UTF-8 with a few damaged bytes
    return Decoded(data.decode("gb18030", "replace"), "gb18030", True)
