"""Reading list (column) pages: their dated items, their pagination, their links.

Generic by design: a list item is the innermost ``li``/``tr``/``dd`` holding a link and a date,
which is how TRS, Hanweb, EmpireCMS and the Anhui platform all render columns. Pagination
styles: TRS ``createPageHTML(count, current, "index", "htm")`` / ``var countPage``, a 尾页
link with a numbered URL, and a plain 下一页 link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree

from auditor.normalize import iso_date, squash_spaces

ROW_TAGS = ("li", "tr", "dd")
_CREATE_PAGE = re.compile(
    r"createPageHTML\s*\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w\-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_COUNT_PAGE = re.compile(r"(?:countPage|totalPage|pageCount)\s*=\s*['\"]?(\d+)")
_CURRENT_PAGE = re.compile(r"currentPage\s*=\s*['\"]?(\d+)")
_NUMBERED = re.compile(r"^(?P<head>.*?[_/\-])(?P<n>\d+)(?P<ext>\.[a-z]+)?$")
BLANK_MARKERS = ("暂无信息", "暂无数据", "暂无内容", "暂无记录", "没有记录", "暂无相关信息")
NEXT_TEXTS = {"下一页", "下页", "后一页", ">", "›", "»"}
LAST_TEXTS = {"尾页", "末页", "最后一页", ">>", "»|"}


@dataclass(frozen=True)
class ListItem:
    url: str
    title: str
    date: str | None


@dataclass
class Pagination:
    """Further pages of a column: all of them when the total is known, else the next one."""

    pages: list[str] = field(default_factory=list)
    next_url: str | None = None
    total: int | None = None


def join_url(base_url: str, href: str) -> str | None:
    """``href`` made absolute, or None when it cannot be (``http://>网站…`` raises in urljoin)."""
    if href[:1] == "/" and href[:2] != "//":  # a site-absolute path: only the base's origin matters
        start = base_url.find("//") + 2
        end = base_url.find("/", start) if start > 1 else -1
        if end > 0:
            base_url = base_url[:end]
    return _join(base_url, href)


@lru_cache(maxsize=1 << 15)  # a bureau's navigation repeats on every one of its pages
def _join(base_url: str, href: str) -> str | None:
    try:
        return urljoin(base_url, href).split("#")[0]
    except ValueError:
        return None


def _href(a: etree._Element, base_url: str) -> str | None:
    href = (a.get("href") or "").strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
        return None
    return join_url(base_url, href)


def list_items(root: etree._Element, base_url: str) -> list[ListItem]:
    """The link rows of a list page, in page order: rows with a date, and undated rows beside
    them in the same list (an undated item is itself a finding, WEB-UPD-3)."""
    rows: list[tuple[etree._Element, str, str, str | None]] = []
    dated_parents: set[etree._Element] = set()
    for row in root.iter(*ROW_TAGS):
        if any(True for _ in row.iterdescendants(*ROW_TAGS)):
            continue  # a container of rows, not a row
        link = next((a for a in row.iter("a") if _href(a, base_url)), None)
        if link is None:
            continue
        link_text = squash_spaces(link.text_content())
        row_text = squash_spaces(row.text_content())
        date = iso_date(row_text.replace(link_text, " ", 1)) if link_text else iso_date(row_text)
        if date is not None:
            dated_parents.add(row.getparent())
        title = squash_spaces(link.get("title") or "") or link_text
        rows.append((row, _href(link, base_url) or "", title, date))
    items: list[ListItem] = []
    seen: set[str] = set()
    for row, url, title, date in rows:
        if (date is None and row.getparent() not in dated_parents) or url in seen:
            continue
        seen.add(url)
        items.append(ListItem(url=url, title=title, date=date))
    return items


def is_blank_list(text: str) -> bool:
    """A column page that says it has nothing (暂无信息)."""
    return any(marker in text for marker in BLANK_MARKERS)


def pagination(root: etree._Element, page_text: str, url: str) -> Pagination:
    """How to reach the rest of a column from this page."""
    result = Pagination()
    create = _CREATE_PAGE.search(page_text)
    count = current = None
    name, ext = "index", None
    if create:
        count, current, name, ext = int(create[1]), int(create[2]), create[3], create[4]
    else:
        count_match, current_match = _COUNT_PAGE.search(page_text), _CURRENT_PAGE.search(page_text)
        if count_match and current_match:
            count, current = int(count_match[1]), int(current_match[1])
            last_segment = urlsplit(url).path.rsplit("/", 1)[-1]
            ext = last_segment.rsplit(".", 1)[-1] if "." in last_segment else "html"
    if count is not None and current is not None:
        # TRS: page 1 is index.ext, page k (k ≥ 2) is index_{k-1}.ext
        result.total = count
        if current == 0:
            result.pages = [u for k in range(1, count) if (u := join_url(url, f"{name}_{k}.{ext}"))]
        return result

    next_url = last_url = None
    for a in root.iter("a"):
        text = squash_spaces(a.text_content())
        if text in NEXT_TEXTS and next_url is None:
            next_url = _href(a, url)
        elif text in LAST_TEXTS and last_url is None:
            last_url = _href(a, url)
    if last_url and last_url != url:
        # 尾页 → …/index_13.html: generate every page, when this is the first one. Page 1 is
        # often the bare index.html, outside the numbered series.
        last_parts = urlsplit(last_url)
        last = _NUMBERED.match(last_parts.path)
        here = _NUMBERED.match(urlsplit(url).path)
        current = int(here["n"]) if last and here and here["head"] == last["head"] else 1
        if last and current <= 1 and int(last["n"]) <= 5000:
            origin = f"{last_parts.scheme}://{last_parts.netloc}"
            result.total = int(last["n"])
            result.pages = [f"{origin}{last['head']}{n}{last['ext'] or ''}" for n in range(current + 1, result.total + 1)]
            return result
    if next_url and next_url != url:
        result.next_url = next_url
    return result


def page_links(root: etree._Element, base_url: str) -> list[tuple[str, str]]:
    """Every (absolute URL, anchor text) link of a page, first occurrence only."""
    links: list[tuple[str, str]] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        url = _href(a, base_url)
        if url and url not in seen:
            seen.add(url)
            links.append((url, squash_spaces(a.text_content())[:100]))
    return links
