"""What a failed fetch means: a gap the bureau must fix, or something the tool could not check.

An audit must never turn a crawl failure into a compliance gap. A link that answers 404 is
broken for every visitor; a page the tool could not read — a timeout, a reset, an anti-bot
challenge (加速乐 ``__jsl_clearance`` 521, 瑞数 412, 安全狗/云锁 pages), a robots.txt ban, a
size cap, a redirect off the bureau's site — says nothing about the bureau, so rules that
depend on it are ``untestable``. The spider classifies challenge pages with ``challenge``; the
rules read both outcomes through ``failure``.
"""

from __future__ import annotations

from typing import Any

# (name shown in reports, statuses it answers with (empty: any), byte markers: any one suffices)
CHALLENGES: tuple[tuple[str, frozenset[int], tuple[bytes, ...]], ...] = (
    ("加速乐", frozenset(), (b"jsl_clearance",)),  # __jsl_clearance, jsl_clearance_s
    ("瑞数", frozenset({202, 400, 412}), (b"$_ts=window", b"$_ts = window", b"FSSBBIl1UgzbN7N")),
    ("瑞数", frozenset({412}), (b"<script",)),
    ("安全狗", frozenset(), (b"safedog", b"SafeDog", "安全狗".encode(), "安全狗".encode("gb18030"))),
    ("云锁", frozenset(), (b"yunsuo",)),  # yunsuo_session_verify
    ("加速乐", frozenset({521}), (b"document.cookie",)),
)
CHALLENGE_SCAN = 64 * 1024  # challenge pages are small; a long page is content, not a challenge

# statuses that say the server is busy or refuses the client, not that the page is gone
UNCHECKED_STATUSES = frozenset({401, 407, 408, 412, 429, 503, 521, 522, 524})


def challenge(status: int, body: bytes) -> str | None:
    """The anti-bot system a response comes from (``加速乐``, ``瑞数``…), or None for a real page."""
    if len(body) > CHALLENGE_SCAN and status == 200:
        return None
    for name, statuses, markers in CHALLENGES:  # find() within the scan, without copying it
        if (not statuses or status in statuses) and any(body.find(m, 0, CHALLENGE_SCAN) >= 0 for m in markers):
            return name
    return None


# what the crawl's error messages mean, first match wins (Scrapy/Twisted exception names and the
# auditor's own middlewares' messages)
ERROR_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("robots.txt",), "robots.txt 禁止抓取"),
    (("off-site",), "重定向到站外，未跟随"),
    (("max redirections",), "重定向次数过多（循环重定向）"),
    (("max size", "DownloadCancelledError"), "超过大小上限"),
    (("TruncatedBody",), "压缩内容不完整"),
    (("TimeoutError", "took longer than"), "超时未响应"),
    (("ConnectionRefused", "Connection was refused"), "连接被拒绝"),
    (("ConnectionLost", "ConnectionDone", "ResponseNeverReceived", "Connection reset"), "连接被中断"),
    (("DNSLookupError", "No address"), "域名无法解析"),
)


def turned_away(page: dict[str, Any]) -> str | None:
    """Why the tool itself, not the public, was refused a page: an anti-bot challenge or robots.txt."""
    if page.get("blocked"):
        return f"网站防护（{page['blocked']}）拦截了检查工具"
    if page.get("status") is None and "robots.txt" in (page.get("error") or ""):
        return "robots.txt 禁止抓取"
    return None


def failure(page: dict[str, Any] | None) -> tuple[str, str] | None:
    """``("broken", why)`` for a page that is really gone or broken, ``("unchecked", why)`` for one
    the tool could not read, None for a page that was read."""
    if page is None:
        return None
    if why := turned_away(page):
        return "unchecked", why
    status, error = page.get("status"), page.get("error") or ""
    if status is None:
        why = next((reason for needles, reason in ERROR_REASONS if any(n in error for n in needles)), None)
        return "unchecked", why or f"未能读取（{error[:80] or '未知错误'}）"
    if status in UNCHECKED_STATUSES:
        return "unchecked", f"HTTP {status}（服务器限流或拒绝访问）"
    if status >= 400:
        return "broken", f"HTTP {status}"
    return None
