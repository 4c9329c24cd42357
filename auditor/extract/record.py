"""A detail page as its ``documents`` row: normalised metadata, raw labels, and the text content
rules read (the profile's content area, else the page's visible text). One function for the
crawl's store writer and for re-extraction from the archive, so both give the same rows.

The crawl finds the content area (it needs the tree for the page's links anyway) and hands it on
as markup (``scope_markup``); the fields are read from it where the page is stored."""

from __future__ import annotations

from functools import cache
from typing import Any

from lxml import etree

from auditor.extract.document import page_text, visible_text
from auditor.extract.metadata import extract_metadata
from auditor.profiles import Profile


def content_scope(tree: etree._Element, profile: Profile) -> list[etree._Element]:
    """The elements holding a page's own content, where the profile knows them."""
    return _xpath(profile.content)(tree) if profile.content else []


_xpath = cache(etree.XPath)  # compiled once per profile, not at every page


def scope_markup(scope: list[etree._Element]) -> list[str]:
    """The content area's elements as markup, to be read by ``document_fields``."""
    return [etree.tostring(el, encoding="unicode") for el in scope]


def document_fields(text: str, scope: list[str], profile_name: str) -> dict[str, Any]:
    """The extracted columns of a ``documents`` row (``raw`` and ``conflicts`` as Python values)
    of a page whose decoded ``text`` is given; ``scope`` is its ``scope_markup``."""
    metadata = extract_metadata(text)
    content = "\n".join(page_text(markup).lines for markup in scope) if scope else metadata.text
    return {**metadata.to_dict(), "profile": profile_name, "text": visible_text(content)}
