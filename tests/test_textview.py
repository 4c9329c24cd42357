"""The C text view (``auditor/extract/_textview.c``) gives exactly what the reference regular
expressions give (and so does their linear-time fallback form): on every corpus and simulator page, on random markup built from the tokens
where the two could part (tag-name spellings, word boundaries, unclosed comments and scripts,
attributes holding ``>`` or ``<``), and on mutated real pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.extract import document
from auditor.extract.encoding import decode

TOKENS = ["<", ">", "/", "!", "?", "-", "--", "<!--", "-->", "<!-", "->", "<!DOCTYPE html>", "<?xml ?>",
          "<div", "</div>", "<DIV>", "<Div class='a>b'>", "<dIv>", "<div_", "<div中>", "<div²>", "<h1>", "<H1",
          "<h7>", "<thead>", "<th", "<td>", "</TD>", "<Title>", "<tItle>", "<br/>", "<p>", "<P>", "<a href='x'>",
          "</a>", "<a²>", "<²>", "<script", "<SCRIPT>", "<sCrIpT>", "<Script>", "</script>", "</SCRIPT",
          "</scripts>", "<scriptx>", "<ſcript>", "<style>", "</style", "<noscript>", "<template", "<select>",
          "</select>", "<textarea>", "</textarea >", "x", "中", "_", "1", " ", "\n", "\u00a0", "𠀀", "é"]
EXAMPLES = int(os.environ.get("ZWGK_FUZZ_EXAMPLES", "1200"))


@pytest.fixture(scope="module")
def simulated_pages(province: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted((province / "sites").rglob("*.html"))]


def _both(markup: str, lines: bool) -> tuple[str, str]:
    """The C walk's and the regex fallback's text; the fallback is first checked against the
    plain definition (the two substitutions; quadratic on hostile input, fine on these)."""
    end = markup.rfind(">") + 1
    region = markup[:end]
    fallback = document._strip_tags_re(region, lines)
    assert fallback == document._NOISE_OR_TAG.sub("", document._BLOCK.sub("\n", region) if lines else region)
    return document._textview.strip_tags(markup, end, lines), fallback


def test_the_c_text_view_is_built_with_the_same_tags() -> None:
    assert document._textview is not None, "auditor/extract/_textview.c was not compiled (needs gcc and Python headers)"
    assert document._textview.BLOCK_TAGS == tuple(document.BLOCK_TAGS)
    assert document._textview.NOISE_TAGS == document.NOISE_TAGS


def test_same_text_on_every_real_and_simulated_page(corpus: Path, simulated_pages: list[bytes]) -> None:
    pages = [p.read_bytes() for p in sorted(corpus.iterdir()) if p.suffix in (".html", ".htm", ".shtml")]
    assert len(pages) >= 9 and len(simulated_pages) > 100
    for raw in pages + simulated_pages:
        markup = decode(raw, "").text
        for lines in (True, False):
            c_text, re_text = _both(markup, lines)
            assert c_text == re_text


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=3)), max_size=40), st.booleans())
def test_same_text_on_random_markup(tokens: list[str], lines: bool) -> None:
    c_text, re_text = _both("".join(tokens), lines)
    assert c_text == re_text


@settings(max_examples=EXAMPLES // 4, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_same_text_on_mutated_pages(simulated_pages: list[bytes], data: st.DataObject) -> None:
    markup = decode(data.draw(st.sampled_from(simulated_pages[:50])), "").text
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(markup)))
        markup = markup[:at] + data.draw(st.sampled_from(TOKENS)) + markup[at:]
    c_text, re_text = _both(markup, True)
    assert c_text == re_text


def test_concrete_cases() -> None:
    """A wrong build fails here with a readable diff (text after the last ">" is the caller's)."""
    cases = {
        "<div>a</div><DIV>b<Div>c<dIv>d</p>": "\na\n\nb\ncd\n",  # odd spellings join lines, as in _BLOCK
        "<p>x<!-- <div> -->y<script>if (a<b) {}</script>z<b>": "\nxyz",
        "<td>标<span>&nbsp;</span>题：</td>": "\n标&nbsp;题：\n",
        "a<div中>b<h7>c<scriptx>d<a>": "abcd",
        "<p>x<script>never closed": "\nx",
    }
    for markup, expected in cases.items():
        c_text, re_text = _both(markup, True)
        assert (c_text, re_text) == (expected, expected)
