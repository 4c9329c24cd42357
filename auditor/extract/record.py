"""A detail page as its ``documents`` row: normalised metadata, raw labels, and the text content
rules read (the profile's content area, else the page's visible text). One function for the
crawl and for re-extraction from the archive, so both give the same rows."""

from __future__ import annotations

from functools import cache
from typing import Any

from lxml import etree

from auditor.extract.document import page_text, visible_text
from auditor.extract.metadata import Metadata, extract_metadata
from auditor.profiles import Profile


def content_scope(tree: etree._Element, profile: Profile) -> list[etree._Element]:
    """The elements holding a page's own content, where the profile knows them."""
    return _xpath(profile.content)(tree) if profile.content else []


_xpath = cache(etree.XPath)  # compiled once per profile, not at every page


def document_fields(text: str, scope: list[etree._Element], profile: Profile,
                    metadata: Metadata | None = None) -> dict[str, Any]:
    """The extracted columns of a ``documents`` row (``raw`` and ``conflicts`` as Python values);
    ``scope`` is ``content_scope`` of the page (the crawl reuses it for the page's own links)."""
    metadata = metadata or extract_metadata(text)
    content = ("\n".join(page_text(etree.tostring(el, encoding="unicode")).lines for el in scope)
               if scope else metadata.text)
    return {**metadata.to_dict(), "profile": profile.name, "text": visible_text(content)}
