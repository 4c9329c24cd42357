"""Lists that are not plain HTML, described by CMS profiles (``list_sources`` in their YAML).

Two source kinds cover the common platforms; a profile supplies the patterns and templates:

- ``xml_records`` — Hanweb (大汉) columns: the first group of records is embedded in the column
  page as ``<datastore><recordset><record><![CDATA[<li>…</li>]]></record>…``; later groups come
  from ``dataproxy.jsp?startrecord=…&endrecord=…`` as the same XML.
- ``json_api`` — TRS "动静结合" columns: page 1 is static HTML, later pages come from the site's
  search API as JSON (``listModel({… listArgs: {channelid: …}})`` names the arguments).

Each source says whether it is present on a page, which items the page itself embeds, which
further URLs hold the rest of the column, and how to read the items out of those responses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from auditor.extract.document import parse_html
from auditor.extract.listing import ListItem, join_url, list_items
from auditor.normalize import iso_date, squash_spaces

_RECORD_CLOSE = re.compile(r"\s*</record>")
MAX_REQUESTS = 2000  # per column: a wrong total must not flood a county server


class ListSourceError(ValueError):
    """A profile's list source that cannot be used (named in the message)."""


@dataclass(frozen=True)
class ListSource:
    kind: str
    detect: re.Pattern[str]
    values_re: dict[str, re.Pattern[str]] = field(default_factory=dict)  # name → regex, one group
    url: str = ""  # template over the values (and start/end/page)
    spec: dict[str, Any] = field(default_factory=dict)  # kind-specific settings

    @classmethod
    def from_profile(cls, data: dict[str, Any], where: str) -> ListSource:
        try:
            kind = data["kind"]
            if kind not in ("xml_records", "json_api"):
                raise ListSourceError(f"{where}: unknown list source kind {kind!r}")
            return cls(kind=kind, detect=re.compile(data["detect"]),
                       values_re={k: re.compile(v) for k, v in (data.get("values") or {}).items()},
                       url=data["url"], spec={k: v for k, v in data.items()
                                              if k not in ("kind", "detect", "values", "url")})
        except (KeyError, re.error) as exc:
            raise ListSourceError(f"{where}: list source needs a valid {exc}") from exc

    def present(self, page_text: str) -> bool:
        return bool(self.detect.search(page_text))

    def values(self, page_text: str) -> dict[str, str] | None:
        """The named values the page gives (arguments, totals); None when one is missing."""
        values = {}
        for name, pattern in self.values_re.items():
            match = pattern.search(page_text)
            if not match:
                return None
            values[name] = match.group(1)
        return values

    def embedded_items(self, page_text: str, base_url: str) -> list[ListItem]:
        """Items the page carries inside the source's own markup (Hanweb's first group)."""
        return _record_items(page_text, base_url) if self.kind == "xml_records" else []

    def urls(self, values: dict[str, str], base_url: str, total: int | None = None) -> list[str]:
        """The requests for the rest of the column. A JSON source whose page does not state the
        total first asks for its first API page; ``total`` (read from that answer) gives the rest."""
        if self.kind == "xml_records":
            total = int(values.get("total") or 0)
            group = int(values.get("per_page", "15")) * int(values.get("group_size", "3"))
            starts = range(group + 1, total + 1, group)[:MAX_REQUESTS]
            found = [self.url.format(start=s, end=min(s + group - 1, total), **values) for s in starts]
        else:
            first = int(self.spec.get("first_page", 2))
            known = total if total is not None else int(values["total"]) if "total" in values else None
            if known is None:
                found = [self.url.format(page=first, **values)]
            else:
                per_page = max(1, int(values.get("per_page", "10")))
                last = min(-(-known // per_page), first + MAX_REQUESTS)
                found = [self.url.format(page=n, **values) for n in range(first, last + 1)]
        return [u for u in (join_url(base_url, f) for f in found) if u]

    def read(self, body: str, base_url: str) -> tuple[list[ListItem], int | None]:
        """The items of one response, and the column's total when the response states it."""
        if self.kind == "xml_records":
            return _record_items(body, base_url), None
        try:
            data = json.loads(body)
        except ValueError:
            return [], None
        rows = _path(data, self.spec.get("rows", "rows"))
        fields = self.spec.get("fields", {})
        items = []
        for row in rows if isinstance(rows, list) else []:
            if not isinstance(row, dict):
                continue
            url, title = row.get(fields.get("url", "url")), row.get(fields.get("title", "title"))
            absolute = join_url(base_url, url.strip()) if isinstance(url, str) and url.strip() else None
            if absolute and isinstance(title, str):
                date = row.get(fields.get("date", "date"))
                items.append(ListItem(absolute, squash_spaces(title), iso_date(date) if isinstance(date, str) else None))
        total = _path(data, self.spec["total"]) if "total" in self.spec else None
        return items, total if isinstance(total, int) and total >= 0 else None


def _path(data: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _record_fragments(text: str) -> list[str]:
    """The CDATA payloads of ``<record><![CDATA[…]]></record>`` elements. Read with ``str.find``
    rather than a lazy ``.*?`` pattern, which takes quadratic time on hostile input (many
    ``<record><![CDATA[`` and no ``]]>``)."""
    fragments: list[str] = []
    position = 0
    while (start := text.find("<![CDATA[", position)) >= 0 and (end := text.find("]]>", start)) >= 0:
        opened = text.rfind("<record>", position, start)
        if opened >= 0 and not text[opened + 8:start].strip() and _RECORD_CLOSE.match(text, end + 3):
            fragments.append(text[start + 9:end])
        position = end + 3
    return fragments


def _record_items(text: str, base_url: str) -> list[ListItem]:
    fragments = _record_fragments(text)
    if not fragments:
        return []
    root = parse_html("<ul>" + "".join(fragments) + "</ul>")
    return list_items(root, base_url)
