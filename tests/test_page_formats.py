"""Transcript formats for the episode page: txt, md and html, with the show's lead-in."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from gztranscribe.formats import html, markdown, parse_formats, txt
from gztranscribe.types import Paragraph

PARAGRAPHS = [
    Paragraph(4.83, 17.57, "Hey everybody, Ian Bremmer here."),
    Paragraph(18.65, 40.0, "First, Kazakhstan & the <Kremlin>."),
]


@pytest.mark.parametrize(
    "lead_in, expected",
    [
        pytest.param(None, PARAGRAPHS[0].text + "\n" + PARAGRAPHS[1].text + "\n", id="no lead-in"),
        pytest.param(
            "Ian Bremmer:", f"Ian Bremmer: {PARAGRAPHS[0].text}\n{PARAGRAPHS[1].text}\n", id="speaker label"
        ),
        pytest.param(
            "Quick Take, 10 January.",
            f"Quick Take, 10 January.\n{PARAGRAPHS[0].text}\n{PARAGRAPHS[1].text}\n",
            id="a line of its own",
        ),
    ],
)
def test_txt_is_one_paragraph_a_line_opened_by_the_lead_in(lead_in, expected) -> None:
    assert txt.render_paragraphs(PARAGRAPHS, lead_in) == expected


def test_markdown_separates_paragraphs_and_escapes_markup() -> None:
    text = markdown.render_paragraphs(
        [Paragraph(0, 1, "1. not a list *really* [x]"), Paragraph(1, 2, "# not a heading")]
    )
    assert text == "\\1. not a list \\*really\\* \\[x\\]\n\n\\# not a heading\n"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.paragraphs: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self._open = dict(attrs)
            self.paragraphs.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.paragraphs[-1]
            self.paragraphs[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "p":
            self._open = None


def test_html_is_a_div_of_paragraphs_with_seek_times_and_escaped_text() -> None:
    page = html.render_paragraphs(PARAGRAPHS, "Ian Bremmer:")
    assert page.startswith('<div class="transcript">') and page.rstrip().endswith("</div>")
    assert "&amp;" in page and "&lt;Kremlin&gt;" in page
    collector = _Collector()
    collector.feed(page)
    assert [a["data-start"] for a, _ in collector.paragraphs] == ["4.830", "18.650"]
    assert collector.paragraphs[0][1] == "Ian Bremmer: " + PARAGRAPHS[0].text
    assert collector.paragraphs[1][1] == PARAGRAPHS[1].text


def test_a_lead_in_line_becomes_its_own_paragraph_in_html() -> None:
    collector = _Collector()
    collector.feed(html.render_paragraphs(PARAGRAPHS, "Quick Take"))
    assert collector.paragraphs[0] == ({"class": "lead-in"}, "Quick Take")


def test_md_and_html_are_formats_the_cli_accepts() -> None:
    assert parse_formats("txt,md,html") == ("txt", "md", "html")
