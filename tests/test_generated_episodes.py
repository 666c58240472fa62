"""Captions and text on voices and paces the defaults were never tuned on (generated episodes).

Two episodes of a commentary text written for these tests (tests/data/episodes/README.md), one in
espeak-ng at 0.9x under a noise bed, one in Festival slt at 1.3x. The real pipeline runs on each, as
a producer would, with the show's glossary. What holds on each is asserted per episode;
`benchmarks/bench_episodes.py` measures every text in every voice (24 episodes).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from gztranscribe.caption_files import read_caption_file
from gztranscribe.checking import check_parsed
from gztranscribe.profiles import PROFILES

EPISODES = REPO_ROOT / "tests" / "data" / "episodes"
GLOSSARY = EPISODES / "harbour.glossary"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory):
    done: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in done:
            out = tmp_path_factory.mktemp(name)
            media = EPISODES / name / f"{name}.m4a"
            proc = subprocess.run(
                [sys.executable, "-m", "gztranscribe", str(media), "-o", str(out), "-q",
                 "--glossary", str(GLOSSARY)],
                capture_output=True, text=True, timeout=600, check=False,
            )
            assert proc.returncode == 0, proc.stderr
            assert proc.stderr == "", "every audible passage of an episode has words"
            done[name] = out
        return done[name]

    return get


def sentence_start_share(name: str, out: Path) -> float:
    starts = [c.start for c in read_caption_file(out / f"{name}.vtt").captions.cues]
    reference = json.loads((EPISODES / name / "reference.json").read_text())["sentences"]
    hits = sum(any(abs(s - r["start"]) <= 0.25 for s in starts) for r in reference)
    return hits / len(reference)


@pytest.mark.slow
def test_captions_pass_check_without_errors(outputs) -> None:
    """On the espeak episode (0.9x: never faster than the reading speed)."""
    name = "harbour-espeak-0.9"
    parsed = read_caption_file(outputs(name) / f"{name}.vtt")
    assert [p for p in check_parsed(parsed, PROFILES["broadcast"]) if p.severity == "error"] == []


@pytest.mark.slow
def test_speech_faster_than_the_reading_speed_bends_only_the_reading_speed(outputs) -> None:
    """slt at 1.3x speaks several sentences faster than 20 characters a second even counting the
    pause after them: those get faster cues of their own (the style guide's bend), never a rule
    the speech does not force, and never much past what it forces. Each such cue carries the
    engine's note, so `check` reports it as a warning: no errors."""
    name = "harbour-slt-1.3"
    parsed = read_caption_file(outputs(name) / f"{name}.vtt")
    problems = check_parsed(parsed, PROFILES["broadcast"])
    assert [p for p in problems if p.severity == "error"] == []
    fast = [p for p in problems if p.rule == "reading-speed"]
    assert fast, "this episode has sentences faster than the reading speed"
    assert all(parsed.captions.cues[p.cue - 1].note for p in fast)
    assert max(len(" ".join(c.lines)) / c.duration for c in parsed.captions.cues) <= 24.0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["harbour-espeak-0.9", "harbour-slt-1.3"])
def test_sentences_start_on_a_cue_start(outputs, name: str) -> None:
    """The issue's target: at least 97% of sentence starts have a cue start within 250 ms, at
    0.9x and at 1.3x (where the engine used to end a cue with the next sentence's first word)."""
    assert sentence_start_share(name, outputs(name)) >= 0.97


@pytest.mark.slow
@pytest.mark.parametrize("name", ["harbour-espeak-0.9", "harbour-slt-1.3"])
def test_paragraphs_are_found(outputs, name: str) -> None:
    paragraphs = [p for p in (outputs(name) / f"{name}.txt").read_text().split("\n") if p.strip()]
    assert len(paragraphs) >= 5  # the text has 7


@pytest.mark.slow
def test_a_given_name_the_model_mishears_is_corrected_by_the_glossary(outputs) -> None:
    """The model hears "Margre Vestager" at 1.3x; the glossary makes it "Margrethe Vestager".
    (Not every name is right on every episode yet: "Cosco" is missed once here, see bench_episodes.)"""
    name = "harbour-slt-1.3"
    text = (outputs(name) / f"{name}.txt").read_text()
    for term in ("Margrethe Vestager", "Kyriakos Mitsotakis", "Piraeus", "Rotterdam"):
        reference = (EPISODES / name / "reference.txt").read_text()
        assert text.count(term) == reference.count(term), term
