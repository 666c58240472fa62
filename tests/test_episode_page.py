"""The episode page, end to end: a show's config (glossary, lead-in, formats) through the CLI.

One real run on the 5-minute episode with a `gztranscribe.toml` beside it; the tests read what a
producer would paste into the site.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import EVAL, REPO_ROOT, wer

pytestmark = pytest.mark.slow  # the real model (or a browser/cluster) on real media

EPISODE = EVAL / "episodes" / "quicktake-slt" / "quicktake-slt.mp4"
GLOSSARY = REPO_ROOT / "tests" / "data" / "glossary" / "quicktake.txt"
PUBLISHED = EVAL / "examples" / "quicktake-kazakhstan.txt"
LEAD_IN = "Ian Bremmer:"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    show = tmp_path_factory.mktemp("show")
    (show / "episode.mp4").symlink_to(EPISODE)
    shutil.copyfile(GLOSSARY, show / "names.txt")
    (show / "gztranscribe.toml").write_text(
        f'glossary = "names.txt"\nlead_in = "{LEAD_IN}"\n'
        'formats = ["txt", "md", "html", "vtt", "json"]\noutput_dir = "published"\n'
    )
    proc = subprocess.run(
        [sys.executable, "-m", "gztranscribe", str(show / "episode.mp4"), "-q"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return show / "published"


def glossary_terms() -> list[str]:
    lines = GLOSSARY.read_text().splitlines()
    return [ln.split(":")[0].strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def test_config_chooses_the_formats_and_the_output_folder(page: Path) -> None:
    assert sorted(p.name for p in page.iterdir()) == sorted(
        f"episode.{ext}" for ext in ("txt", "md", "html", "vtt", "json")
    )


def test_the_transcript_opens_with_the_speaker_label_and_meets_wer_002(page: Path) -> None:
    text = (page / "episode.txt").read_text()
    assert text.startswith(LEAD_IN + " Hey everybody")
    assert wer(PUBLISHED.read_text(), text.removeprefix(LEAD_IN)) <= 0.02


@pytest.mark.parametrize("ext", ["txt", "md", "html", "vtt", "json"])
def test_every_glossary_name_is_spelled_right_everywhere(page: Path, ext: str) -> None:
    published = PUBLISHED.read_text()
    output = (page / f"episode.{ext}").read_text()
    if ext == "json":
        output = " ".join(s["text"] for s in json.loads(output)["segments"])
    for term in glossary_terms():
        spoken = len(re.findall(rf"\b{re.escape(term)}\b", published))
        if spoken:
            assert len(re.findall(rf"\b{re.escape(term)}\b", output)) >= spoken, term


def test_paragraph_breaks_fall_where_the_published_transcripts_do(page: Path) -> None:
    """Each published break must have one of ours within one sentence of it."""
    reference = json.loads((EPISODE.parent / "reference.json").read_text())["sentences"]
    published_breaks = [s["start"] for a, s in zip(reference, reference[1:]) if s["paragraph"] != a["paragraph"]]
    starts = [float(m) for m in re.findall(r'data-start="([\d.]+)"', (page / "episode.html").read_text())]
    sentence_starts = [s["start"] for s in reference]

    def sentence_index(t: float) -> int:
        return min(range(len(sentence_starts)), key=lambda i: abs(sentence_starts[i] - t))

    ours = {sentence_index(t) for t in starts[1:]}
    matched = [b for b in published_breaks if any(abs(sentence_index(b) - o) <= 1 for o in ours)]
    assert len(published_breaks) == 6
    assert len(matched) >= 5
    assert len(ours) <= len(published_breaks) + 2, "no paragraph soup either"


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.starts: list[float] = []

    def handle_starttag(self, tag, attrs):
        if tag == "p" and dict(attrs).get("data-start"):
            self.starts.append(float(dict(attrs)["data-start"]))


def test_html_paragraphs_carry_increasing_seek_times_inside_the_audio(page: Path) -> None:
    parser = _Paragraphs()
    parser.feed((page / "episode.html").read_text())
    assert len(parser.starts) >= 5
    assert parser.starts == sorted(parser.starts)
    assert 4.0 < parser.starts[0] < 6.0 and parser.starts[-1] < 300
