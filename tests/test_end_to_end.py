"""The main job, end to end, with the real bundled model on real media.

`gztranscribe EPISODE.mp4` runs once per file per session (in a real process, as a producer would
run it) and the tests below read what it wrote. Accuracy bounds are the ones the project promises
(README, "Accuracy"); they hold for the default decoding settings on all three kinds of audio.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jiwer
import pytest
import webvtt
from whisper_normalizer.english import EnglishTextNormalizer

from gztranscribe.formats.jsonfile import read_transcript
from gztranscribe.pipeline import OutputOptions, transcribe_file

pytestmark = pytest.mark.slow  # the real model (or a browser/cluster) on real media

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO / "tests" / "data" / "eval"
EPISODE = EVAL / "episodes" / "quicktake-slt" / "quicktake-slt.mp4"
MIX = EVAL / "episodes" / "real-mix" / "real-mix.mp4"
SAMPLE = REPO / "samples" / "commentary.mp4"
AUDIO_SUFFIXES = {".wav", ".flac", ".mp3"}

normalize = EnglishTextNormalizer()


def wer(reference: str, hypothesis: str) -> float:
    return jiwer.wer(normalize(reference), normalize(hypothesis))


def run_cli(media: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gztranscribe", str(media), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def cli_outputs(tmp_path_factory: pytest.TempPathFactory):
    """Run the CLI once per media file, lazily, and hand back its output folder."""
    done: dict[Path, Path] = {}

    def get(media: Path) -> Path:
        if media not in done:
            out = tmp_path_factory.mktemp(media.stem)
            proc = run_cli(media, out)
            assert proc.returncode == 0, proc.stderr
            assert proc.stderr == "", "--quiet must print nothing on success"
            done[media] = out
        return done[media]

    return get


@pytest.mark.parametrize("media", [SAMPLE, EPISODE, MIX], ids=["sample", "episode", "real-mix"])
def test_writes_captions_transcript_and_json_beside_each_other(cli_outputs, media: Path) -> None:
    out = cli_outputs(media)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{media.stem}.{ext}" for ext in ("vtt", "txt", "json")
    )


@pytest.mark.parametrize(
    "media, bound",
    [(SAMPLE, 0.04), (EPISODE, 0.03), (MIX, 0.05)],
    ids=["sample", "episode", "real-mix"],
)
def test_transcript_text_meets_the_accuracy_bound(cli_outputs, media: Path, bound: float) -> None:
    reference = (
        (REPO / "samples" / "reference" / "commentary.txt")
        if media == SAMPLE
        else media.parent / "reference.txt"
    ).read_text()
    hypothesis = (cli_outputs(media) / f"{media.stem}.txt").read_text()
    assert wer(reference, hypothesis) <= bound


@pytest.mark.parametrize("media", [SAMPLE, EPISODE, MIX], ids=["sample", "episode", "real-mix"])
def test_vtt_parses_and_cues_are_ordered_and_never_overlap(cli_outputs, media: Path) -> None:
    vtt_path = cli_outputs(media) / f"{media.stem}.vtt"
    raw = vtt_path.read_text(encoding="utf-8")
    assert raw.startswith("WEBVTT\n\n")
    cues = webvtt.read(str(vtt_path)).captions
    assert cues, "an episode full of speech must get captions"
    times = [(c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000) for c in cues]
    for (start, end), (next_start, _) in zip(times, times[1:]):
        assert start < end
        assert end <= next_start
    assert times[-1][0] < times[-1][1]
    for cue in cues:
        assert re.search(r"(?<!&amp;)&(?!amp;|lt;|gt;)", cue.raw_text) is None


@pytest.mark.parametrize("media", [SAMPLE, EPISODE, MIX], ids=["sample", "episode", "real-mix"])
def test_word_and_segment_times_never_go_backwards_and_stay_inside_the_audio(
    cli_outputs, media: Path
) -> None:
    transcript = read_transcript((cli_outputs(media) / f"{media.stem}.json").read_text())
    assert transcript.duration > 0
    previous_end = 0.0
    for segment in transcript.segments:
        assert 0 <= segment.start <= segment.end <= transcript.duration
        for word in segment.words:
            assert previous_end <= word.start <= word.end <= transcript.duration
            previous_end = word.end


def test_json_records_what_a_later_render_needs(cli_outputs) -> None:
    data = json.loads((cli_outputs(EPISODE) / "quicktake-slt.json").read_text())
    assert data["language"] == "en"
    assert data["model"] == "tiny.en"
    # The audio track (297.8 s) is what counts; the episode's video track runs 2 s longer.
    assert abs(data["duration"] - 297.8) < 0.1
    assert data["options"]["beam_size"] == 5
    word = data["segments"][0]["words"][0]
    assert set(word) == {"start", "end", "text", "probability"}


def test_no_caption_over_the_episodes_intro_music(cli_outputs) -> None:
    first_speech = json.loads((EPISODE.parent / "reference.json").read_text())["sentences"][0]
    cues = webvtt.read(str(cli_outputs(EPISODE) / "quicktake-slt.vtt")).captions
    assert cues[0].start_time.in_milliseconds() / 1000 >= first_speech["start"] - 0.5


def test_real_en_corpus_wer_is_at_most_0065(transcriber, tmp_path: Path) -> None:
    """The project's accuracy promise on real recordings (studio, audiobook, telephone, meeting)."""
    references, hypotheses = [], []
    for audio in sorted((EVAL / "real-en").iterdir()):
        text_file = audio.with_suffix(".txt")
        if audio.suffix not in AUDIO_SUFFIXES or not text_file.exists():
            continue
        result = transcribe_file(
            audio, transcriber, outputs=OutputOptions(formats=("txt",), output_dir=tmp_path)
        )
        reference = re.sub(r"<[^>]*>|\[[^\]]*\]", " ", text_file.read_text())
        if audio.stem.startswith("sonnet"):
            reference = re.sub(r"^\s*\d+\s*\n", "", reference)  # the sonnet's number is not read
        references.append(normalize(reference))
        hypotheses.append(normalize(result.outputs[0].read_text()))
    assert len(references) == 16
    assert jiwer.wer(references, hypotheses) <= 0.065
