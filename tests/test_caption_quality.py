"""The captions of real episodes meet the style guide, end to end, with the real model.

`python -m gztranscribe MEDIA -o DIR -q` runs once per file per session (in a real process, as a
producer would run it); the tests read the VTT and JSON it wrote and hold them to CAPTION-STYLE.md:

- `gztranscribe check` finds nothing at all, warnings included;
- every sentence of the reference starts a cue, in time with the voice: at least 95% of the
  reference's sentence starts have a cue starting within 250 ms, with a median error of at most
  100 ms (word onsets are snapped to the audio, so the engine's cue breaks decide this);
- nothing is shown over the intro music;
- the layout and reading-speed limits hold, and no word is lost between the transcript and the
  captions.

The 5-minute episode (``tests/data/eval/episodes/quicktake-slt``, synthetic speech over a 4-second
intro, ``reference.json`` with each sentence's exact start) and the bundled sample (with its
reference sentences in ``samples/reference/commentary.json``).
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from gztranscribe.caption_files import read_caption_file
from gztranscribe.formats.jsonfile import read_transcript
from gztranscribe.profiles import PROFILES

pytestmark = pytest.mark.slow  # the real model (or a browser/cluster) on real media

REPO = Path(__file__).resolve().parents[1]
EVAL = Path(__file__).resolve().parent / "data" / "eval"
EPISODE = EVAL / "episodes" / "quicktake-slt" / "quicktake-slt.mp4"
SAMPLE = REPO / "samples" / "commentary.mp4"
REFERENCES = {
    EPISODE: EPISODE.parent / "reference.json",
    SAMPLE: REPO / "samples" / "reference" / "commentary.json",
}
MEDIA = [pytest.param(EPISODE, id="episode"), pytest.param(SAMPLE, id="sample")]
BROADCAST = PROFILES["broadcast"]

HIT_WINDOW = 0.250  # a sentence start counts as captioned when a cue starts this close to it
MIN_HIT_RATE = 0.95
MAX_MEDIAN_ERROR = 0.100
INTRO_MARGIN = 0.5  # no cue may start earlier than this before the first sentence


def gztranscribe(*args: object, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gztranscribe", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=REPO,
    )


@pytest.fixture(scope="session")
def outputs(tmp_path_factory: pytest.TempPathFactory):
    """Transcribe each media file once per session, lazily; returns its output folder."""
    done: dict[Path, Path] = {}

    def get(media: Path) -> Path:
        if media not in done:
            assert media.is_file(), f"{media} is missing (tests/data/eval is part of the repository)"
            out = tmp_path_factory.mktemp(f"quality-{media.stem}")
            proc = gztranscribe(media, "-o", out, "-q")
            assert proc.returncode == 0, proc.stderr
            done[media] = out
        return done[media]

    return get


def vtt_of(outputs, media: Path) -> Path:
    return outputs(media) / f"{media.stem}.vtt"


def sentence_starts(media: Path) -> list[float]:
    return [s["start"] for s in json.loads(REFERENCES[media].read_text())["sentences"]]


def onset_errors(media: Path, cue_starts: list[float]) -> list[float]:
    """For each reference sentence, the distance to the nearest cue start (seconds)."""
    return [min(abs(start - cue) for cue in cue_starts) for start in sentence_starts(media)]


@pytest.mark.parametrize("media", MEDIA)
def test_check_finds_no_problem_at_all(outputs, media: Path) -> None:
    proc = gztranscribe("check", vtt_of(outputs, media), timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.fullmatch(r"OK: \d+ cues?, no problems\n", proc.stdout), proc.stdout
    assert proc.stderr == ""


@pytest.mark.parametrize("media", MEDIA)
def test_every_sentence_starts_a_cue_in_time(outputs, media: Path) -> None:
    cues = read_caption_file(vtt_of(outputs, media)).captions.cues
    errors = onset_errors(media, [c.start for c in cues])
    hits = sum(error <= HIT_WINDOW for error in errors)
    missed = [
        f"{start:.3f} s (nearest cue {error:+.3f} s away)"
        for start, error in zip(sentence_starts(media), errors, strict=True)
        if error > HIT_WINDOW
    ]
    assert hits / len(errors) >= MIN_HIT_RATE, missed
    assert statistics.median(errors) <= MAX_MEDIAN_ERROR


@pytest.mark.parametrize("media", MEDIA)
def test_nothing_is_shown_before_the_speech(outputs, media: Path) -> None:
    cues = read_caption_file(vtt_of(outputs, media)).captions.cues
    first_sentence = min(sentence_starts(media))
    assert cues[0].start >= first_sentence - INTRO_MARGIN, cues[0]


@pytest.mark.parametrize("media", MEDIA)
def test_layout_and_reading_speed_limits(outputs, media: Path) -> None:
    assert (BROADCAST.max_chars_per_line, BROADCAST.max_lines, BROADCAST.max_cps) == (42, 2, 20)
    for cue in read_caption_file(vtt_of(outputs, media)).captions.cues:
        assert 1 <= len(cue.lines) <= BROADCAST.max_lines, cue
        assert all(len(line) <= BROADCAST.max_chars_per_line for line in cue.lines), cue
        chars = sum(len(line) for line in cue.lines)  # spaces counted, the line break not
        assert chars / cue.duration <= BROADCAST.max_cps + 1e-9, cue


@pytest.mark.parametrize("media", MEDIA)
def test_captions_hold_every_word_of_the_transcript(outputs, media: Path) -> None:
    folder = outputs(media)
    transcript = read_transcript((folder / f"{media.stem}.json").read_text(encoding="utf-8"))
    cues = read_caption_file(folder / f"{media.stem}.vtt").captions.cues
    words = " ".join(w.text for w in transcript.words).split()
    assert words, "the transcript has words"
    assert " ".join(c.text for c in cues).split() == words
