"""The label table: every label a disclosure page uses, mapped to a normalised field.

This is data, not logic. A label is matched after removing every kind of white space and the
trailing colon, so ``索&ensp;引&ensp;号：`` and ``索 引 号`` both read as ``索引号``. ``None`` as
a field means a known label whose value is kept only in ``raw`` (it still has to be known so
that a line holding several pairs can be split at it). Lower priority numbers win when a page
gives one field under two labels (``发布机构`` beats ``来源``).
"""

from __future__ import annotations

import re
from functools import cache

# label → (field, priority)
LABELS: dict[str, tuple[str | None, int]] = {
    "索引号": ("index_no", 0),
    "信息索引号": ("index_no", 0),
    "组配分类": ("category", 0),
    "公开目录": ("category", 2),
    "发布机构": ("publisher", 0),
    "发文机关": ("publisher", 0),
    "发文机构": ("publisher", 0),
    "发文单位": ("publisher", 0),
    "发布单位": ("publisher", 1),
    "来源": ("publisher", 5),
    "信息来源": ("publisher", 6),
    "主题分类": ("subject", 0),
    "信息分类": ("subject", 1),
    "分类": ("subject", 2),
    "名称": ("title", 0),
    "标题": ("title", 0),
    "信息名称": ("title", 0),
    "文件名称": ("title", 1),
    "文号": ("doc_no", 0),
    "发文字号": ("doc_no", 0),
    "文件编号": ("doc_no", 1),
    "发布日期": ("published", 0),
    "发文日期": ("published", 1),
    "公开日期": ("published", 1),
    "发布时间": ("published", 2),
    "公开时间": ("published", 3),
    "时间": ("published", 5),
    "成文日期": ("written", 0),
    "印发日期": ("written", 1),
    "生成日期": ("written", 1),
    "成文时间": ("written", 2),
    "有效性": ("validity", 0),
    "时效": ("validity", 1),
    "效力状态": ("validity", 1),
    "主题词": ("keywords", 0),
    "关键词": ("keywords", 0),
    # Known labels kept only in raw.
    "公文种类": (None, 9),
    "体裁分类": (None, 9),
    "服务对象分类": (None, 9),
    "生命周期分类": (None, 9),
    "信息格式/语种": (None, 9),
    "内容概述": (None, 9),
    "公开方式": (None, 9),
    "公开形式": (None, 9),
    "统一编号": (None, 9),
    "作者": (None, 9),
    "责任编辑": (None, 9),
    "浏览次数": (None, 9),
    "访问量": (None, 9),
    "字体": (None, 9),
    "文件下载": (None, 9),
    "发布人": (None, 9),
}

# field → the name a report uses for it (the usual label)
FIELD_NAMES = {"index_no": "索引号", "category": "组配分类", "publisher": "发布机构", "subject": "主题分类",
               "title": "名称", "doc_no": "文号", "published": "发布日期", "written": "成文日期",
               "validity": "有效性", "keywords": "关键词"}
FIELDS = tuple(FIELD_NAMES)

SPACE_CHARS = " \t\r\n\f\v\u3000\u2002\u2003\u2009\u00a0"
_SPACE_CLASS = "[" + re.escape(SPACE_CHARS.replace("\n", "").replace("\r", "")) + "]"  # within a line
_DELETE_SPACES = str.maketrans("", "", SPACE_CHARS)
# What may stand right before a label: nothing, white space or punctuation (not "的发布日期").
BOUNDARY = frozenset(SPACE_CHARS + "|，,;；>]】)）")


@cache
def clean_label(text: str) -> str:
    """``索&ensp;引&ensp;号：`` → ``索引号``: drop all white space and the trailing colon."""
    return text.translate(_DELETE_SPACES).rstrip(":：")


def _trie(words: list[str]) -> str:
    """The labels as a regex trie (shared first characters factored out, white space allowed
    between characters). About a quarter faster to scan with than a flat alternation, and it
    still prefers the longest label where one label begins another."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    parts = []
    for first, rests in groups.items():
        longer = [rest for rest in rests if rest]
        tail = f"(?:{_SPACE_CLASS}*(?:{_trie(longer)}))" if longer else ""
        parts.append(re.escape(first) + (tail + "?" if longer and "" in rests else tail))
    return "|".join(parts)


# A label (group 1) and an optional colon (group 2). The boundary before it is checked by the caller (BOUNDARY):
# a leading look-behind would stop ``re`` from scanning for the labels' first characters.
LABEL_RE = re.compile(rf"(?P<label>{_trie(sorted(LABELS))}){_SPACE_CLASS}*(?P<colon>[:：])?")
