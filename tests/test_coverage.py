"""Nothing said is lost: every audible stretch is covered by words, or examined and judged, or reported.

Pure rules first (scripted words and segments), then the real model on silence, a tone, pink noise,
and seeded long-form mixes of the eval recordings (``tests/longform.py``).
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import EVAL, MEDIA, SAMPLE
from longform import (
    MixSettings,
    cut,
    load_clips,
    make_mix,
    music,
    normalized_wer,
    pink_noise,
    score,
    words_of,
)

from gztranscribe import coverage as cov
from gztranscribe.formats import jsonfile
from gztranscribe.media import extract_audio
from gztranscribe.pipeline import TextOptions, finish_transcript
from gztranscribe.speech import pause_cuts
from gztranscribe.tokens import core
from gztranscribe.transcribe import FRESH_AFTER_PAUSE
from gztranscribe.types import Segment, Transcript, Word

SR = 16_000


def tone(seconds: float, level: float = 0.3, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (level * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SR), np.float32)


def seg(words: list[Word], text: str | None = None, nsp: float = 0.05, logprob: float = -0.3) -> Segment:
    text = text if text is not None else " ".join(w.text for w in words)
    start, end = (words[0].start, words[-1].end) if words else (0.0, 0.0)
    return Segment(start, end, text, tuple(words), logprob, nsp)


# --- what is audible -----------------------------------------------------------------------------


def test_a_burst_above_the_noise_floor_is_audible_and_the_floor_is_not() -> None:
    rng = np.random.default_rng(1)
    audio = pink_noise(12 * SR, rng) * 0.002
    audio[4 * SR : 7 * SR] += tone(3.0, 0.2)
    stretches = cov.audible_stretches(cov.loudness(audio, SR))
    assert len(stretches) == 1
    start, end = stretches[0]
    assert abs(start - 4.0) < 0.2 and abs(end - 7.0) < 0.2


@pytest.mark.parametrize(
    "audio",
    [silence(60), tone(20), pink_noise(30 * SR, np.random.default_rng(2)) * 0.05],
    ids=["silence", "tone", "pink-noise"],
)
def test_a_recording_that_is_all_floor_has_nothing_audible(audio: np.ndarray) -> None:
    assert cov.audible_stretches(cov.loudness(audio, SR)) == []


def test_words_cover_the_audio_around_them_and_the_rest_is_uncovered() -> None:
    words = [Word(1.0, 1.4, "hello"), Word(1.5, 2.0, "there")]
    assert cov.uncovered([(0.8, 6.0)], words) == [(2.4, 6.0)]
    assert cov.uncovered([(0.8, 2.2)], words) == []


def test_a_word_stretched_over_seconds_covers_only_a_words_worth() -> None:
    # A looping decode ends its last word long after the voice stopped; the audio after is not heard.
    words = [Word(10.0, 24.0, "-mo.")]
    assert cov.uncovered([(10.0, 24.0)], words) == [(11.9, 24.0)]


def test_subtract_keeps_the_parts_outside_every_hole() -> None:
    assert cov.subtract([(0, 10), (20, 30)], [(2, 3), (5, 22), (29, 40)]) == [(0, 2), (3, 5), (22, 29)]
    assert cov.subtract([(0, 1)], []) == [(0, 1)]


def test_suspect_audio_is_the_audible_and_the_detectors_hints_outside_its_speech() -> None:
    stretches = [(10.0, 12.0)]
    regions = [(1.0, 2.0), (10.0, 12.0)]
    # Silero leaned towards speech at 2.9-3.4 and 3.8-4.4 (a dip under 0.5 s between: one phrase)
    # and around its own regions, which are decoded anyway.
    hints = [(1.0, 2.5), (2.9, 3.4), (3.8, 4.4), (9.8, 12.3)]
    assert cov.suspect(stretches, hints, regions) == [(2.0, 4.4), (9.8, 12.3)]
    assert cov.suspect(stretches, [], regions) == stretches  # no hints: the audible stretches


def test_examination_windows_pad_join_and_split_long_gaps() -> None:
    assert cov.examination_windows([(1.0, 2.0), (2.3, 3.0)], 10.0) == [(0.7, 3.3)]
    windows = cov.examination_windows([(0.0, 70.0)], 70.0)
    assert all(b - a <= 28.0 + 1e-9 for a, b in windows)
    assert windows[0][0] == 0.0 and windows[-1][1] == 70.0


def test_only_stretches_no_decode_window_can_reach_are_examined_ahead() -> None:
    stretches = [(0.0, 3.5), (4.0, 4.5), (4.9, 9.0), (30.0, 31.0), (40.0, 41.0)]
    windows = [(5.0, 28.0), (40.2, 40.9)]
    # the intro (well clear of the first window), a long stretch after the last word; not a
    # short burst, nor anything a window's words could reach
    assert cov.beyond(stretches, windows) == [(0.0, 3.5), (30.0, 31.0)]
    assert cov.beyond(stretches, []) == [(0.0, 3.5), (4.9, 9.0), (30.0, 31.0), (40.0, 41.0)]


# --- the model's verdict -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["(upbeat music)", "[MUSIC]", "♪ ♪", " . . .", "*applause*", ""])
def test_whispers_own_way_of_saying_not_speech_is_recognized(text: str) -> None:
    assert cov.looks_like_non_speech(text)


@pytest.mark.parametrize("text", ["Music is my life.", "2.", "I am sitting in a room."])
def test_speech_is_not_mistaken_for_a_non_speech_tag(text: str) -> None:
    assert not cov.looks_like_non_speech(text)


@pytest.mark.parametrize(
    "text, looping",
    [
        ("So that's it. So that's it. So that's it.", True),
        ("see you in the next video, see you in the next video, see you in the next video", True),
        ("mo mo mo mo mo", True),
        ("Montreal, Montreal, forced aligner.", False),
        ("It was the best of times, it was the worst of times.", False),
    ],
)
def test_a_decode_stuck_in_a_loop_is_detected(text: str, looping: bool) -> None:
    assert cov.is_looping(text) is looping


def test_confident_words_inside_the_gap_are_kept_and_repeats_of_covered_words_are_not() -> None:
    found = [seg([Word(4.8, 5.0, "end."), Word(5.6, 6.0, "Really"), Word(6.0, 6.5, "quiet")])]
    verdict, kept = cov.judge(found, [(5.5, 7.0)])
    assert verdict.outcome == cov.WORDS and verdict.words == 2
    assert [w.text for s in kept for w in s.words] == ["Really", "quiet"]


def test_a_quiet_first_word_just_before_the_gap_is_new_unless_a_covered_word_claims_it() -> None:
    # A falsetto "This is all very high pitched": the audible stretch (the gap) begins with "is";
    # "This" lies in the examination's padding. Nothing covers it there, so it is new; a word
    # already in the transcript just before the gap claims that padding, and its repeat is not.
    found = [seg([Word(5.25, 5.45, "This"), Word(5.6, 5.9, "is"), Word(5.9, 6.3, "high.")])]
    gap = [(5.5, 7.0)]
    verdict, kept = cov.judge(found, gap, cov.unclaimed(gap, []))
    assert [w.text for s in kept for w in s.words] == ["This", "is", "high."]
    assert (verdict.start, verdict.end) == (5.5, 7.0)  # the record is still of the gap examined
    covered = [Word(4.9, 5.2, "this")]
    kept = cov.judge(found, gap, cov.unclaimed(gap, covered))[1]
    assert [w.text for s in kept for w in s.words] == ["is", "high."]


def test_words_the_transcript_already_has_are_repeats_even_when_timed_into_the_gap() -> None:
    # Lucier: "…you are in now. [2 s pause] And I am recording". Heard alone, the examination timed
    # "now." and "And" into the pause; in order, they are the transcript's own words again.
    known = [Word(88.0, 88.3, "in"), Word(88.3, 88.6, "now."), Word(94.2, 94.4, "And"), Word(94.4, 94.6, "I")]
    found = [seg([Word(88.0, 88.3, "in"), Word(90.6, 91.8, "now."), Word(92.0, 93.5, "and"),
                  Word(94.4, 94.6, "I")])]
    gap = [(90.5, 94.0)]
    verdict, kept = cov.judge(found, gap, cov.unclaimed(gap, known), known)
    assert kept == [] and verdict.outcome == cov.UNSURE
    # Without the transcript's words to compare with, time is all there is: the same words are new.
    assert [w.text for s in cov.judge(found, gap)[1] for w in s.words] == ["now.", "and"]


@pytest.mark.parametrize("first_heard", [True, False])
def test_a_phrase_said_twice_keeps_the_saying_the_first_pass_missed(first_heard: bool) -> None:
    # "Montreal, forced. Montreal, forced.": the first pass heard one of the two sayings; the
    # examination hears both, and the one in the gap is new, whichever it is.
    said = [(5.0, "Montreal,"), (5.5, "forced."), (7.0, "Montreal,"), (7.5, "forced.")]
    heard = [Word(t, t + 0.4, text) for t, text in said]
    known, gap = (heard[:2], [(6.8, 8.0)]) if first_heard else (heard[2:], [(4.8, 6.0)])
    kept = cov.judge([seg(heard)], gap, known=known)[1]
    assert [w.start for s in kept for w in s.words] == [gap[0][0] + 0.2, gap[0][0] + 0.7]
    assert cov.repeated(heard, known) == ({0, 1} if first_heard else {2, 3})


def test_words_heard_in_a_pause_of_a_long_segment_go_between_its_words() -> None:
    # Long-form seed 5: the batched pass stretched one segment over 17 s of a stuttering clip;
    # words a repair heard in one of its pauses came out after the whole segment, each 0 s long.
    from gztranscribe.transcribe import _ordered

    long = seg([Word(45.2, 47.0, "Montreal."), Word(49.1, 50.3, "Montreal."), Word(54.4, 54.8, "Force."),
                Word(61.2, 62.1, "liner.")])
    heard = seg([Word(51.3, 51.6, "foot,"), Word(51.9, 52.7, "force.")])
    merged = _ordered([long, heard])
    assert [s.text for s in merged] == ["Montreal. Montreal.", "foot, force.", "Force. liner."]
    words = [w for s in merged for w in s.words]
    assert [w.start for w in words] == sorted(w.start for w in words)
    assert all(w.end > w.start for w in words)
    assert _ordered([long]) == [long]


def test_merging_heard_segments_keeps_every_word_in_time_order() -> None:
    from gztranscribe.transcribe import _ordered

    rng = np.random.default_rng(7)
    for trial in range(300):
        segments = []
        for k in range(int(rng.integers(1, 8))):
            t, words = float(rng.uniform(0, 50)), []
            for m in range(int(rng.integers(1, 6))):
                t += float(rng.uniform(0, 3))
                words.append(Word(t, t + float(rng.uniform(0, 1)), f"w{k}.{m}"))
            segments.append(seg(words))
        merged = [w for s in _ordered(segments) for w in s.words]
        assert sorted(w.text for w in merged) == sorted(w.text for s in segments for w in s.words), trial
        assert all(a.start <= b.start for a, b in itertools.pairwise(merged)), trial


def test_a_last_word_stretched_over_new_words_ends_where_they_begin() -> None:
    from gztranscribe.transcribe import _ordered

    looped = seg([Word(1.0, 1.5, "so"), Word(2.0, 9.0, "it.")])
    heard = seg([Word(4.0, 4.5, "Next")])
    merged = _ordered([heard, looped])
    assert [(w.text, w.start, w.end) for s in merged for w in s.words] == [
        ("so", 1.0, 1.5), ("it.", 2.0, 4.0), ("Next", 4.0, 4.5)]


def test_words_in_the_rest_of_the_examination_window_are_context_not_new() -> None:
    # The window holds the whole audible stretch around a gap; a laugh two seconds past the gap
    # was never examined as a gap and is not added.
    found = [seg([Word(5.6, 6.0, "liner."), Word(9.1, 9.6, "Ha-ha.")])]
    gap = [(5.5, 6.5)]
    kept = cov.judge(found, gap, cov.unclaimed(gap, []))[1]
    assert [w.text for s in kept for w in s.words] == ["liner."]


def test_music_and_high_no_speech_probability_are_judged_not_speech() -> None:
    music = [seg([Word(1.0, 2.0, "(music)")])]
    assert cov.judge(music, [(0.0, 3.0)])[0].outcome == cov.NOT_SPEECH
    thanks = [seg([Word(1.0, 2.0, "Thank"), Word(2.0, 2.5, "you.")], nsp=0.9)]
    assert cov.judge(thanks, [(0.0, 3.0)]) == (cov.Examined(0.0, 3.0, cov.NOT_SPEECH, 0, "Thank you."), [])
    assert cov.judge([], [(0.0, 3.0)])[0].outcome == cov.NOT_SPEECH


def test_words_the_model_does_not_believe_leave_the_stretch_unsure() -> None:
    weak = [seg([Word(1.0, 1.5, "Audrey", 0.1), Word(1.5, 2.0, "liner", 0.1)])]
    verdict, kept = cov.judge(weak, [(0.0, 3.0)])
    assert verdict.outcome == cov.UNSURE and kept == []
    loop = [seg([Word(1.0 + i / 10, 1.05 + i / 10, w) for i, w in enumerate(("so", "it") * 4)])]
    assert cov.judge(loop, [(0.0, 3.0)])[0].outcome == cov.UNSURE


# --- what the producer is told -------------------------------------------------------------------


class _ScriptedModel:
    """Answers a sequential decode as a model would: loops while given the glossary's hotwords."""

    def __init__(self, offset: float = 0.0) -> None:
        self.calls: list[str | None] = []
        self.offset = offset  # where in the piece the model's words begin

    def transcribe(self, piece: np.ndarray, **options: object):
        from types import SimpleNamespace as NS

        hotwords = options.get("hotwords")
        self.calls.append(hotwords)  # type: ignore[arg-type]
        said = "Olaf Scholz, Olaf Scholz, Olaf Scholz," if hotwords else "Olaf Sholes allowed Costco to buy."
        words = [NS(word=" " + w, start=self.offset + 0.5 * i, end=self.offset + 0.5 * i + 0.4, probability=0.9)
                 for i, w in enumerate(said.split())]
        return iter([NS(text=said, words=words, avg_logprob=-0.2, no_speech_prob=0.01)]), None


def _said(text: str) -> Segment:
    return seg([Word(1.0 + 0.4 * i, 1.3 + 0.4 * i, w) for i, w in enumerate(text.split())])


def test_a_loop_the_glossarys_hotwords_cause_is_heard_again_without_them() -> None:
    from gztranscribe.transcribe import DecodeOptions, Transcriber

    model = _ScriptedModel()
    transcriber = Transcriber(source=None, model=model)  # type: ignore[arg-type]
    looped = _said("Olaf Scholz, Olaf Scholz, Olaf Scholz, coz coz coz coz")
    options = DecodeOptions(hotwords="Cosco, Olaf Scholz.")
    result = transcriber._unloop(silence(8.0), [looped], options)
    assert model.calls == ["Cosco, Olaf Scholz.", None], "first with the names, then without"
    assert " ".join(s.text for s in result) == "Olaf Sholes allowed Costco to buy."


def test_words_before_a_hotword_loop_keep_the_first_hearing() -> None:
    from gztranscribe.transcribe import DecodeOptions, Transcriber

    model = _ScriptedModel(offset=2.2)  # the piece starts 0.2 s before the run: words from 3.0 s
    transcriber = Transcriber(source=None, model=model)  # type: ignore[arg-type]
    looped = _said("In Hamburg, the Mitsotakis of Olaf Scholz, Olaf Scholz, Olaf Scholz, coz coz coz coz")
    result = transcriber._unloop(silence(12.0), [looped], DecodeOptions(hotwords="Mitsotakis, Olaf Scholz."))
    assert " ".join(w.text for s in result for w in s.words) == (
        "In Hamburg, the Mitsotakis of Olaf Sholes allowed Costco to buy."
    ), "the hint's spelling up to the loop, the hint-free hearing from it on"


@pytest.mark.parametrize(
    ("text", "onset"),
    [
        ("the government of Olaf Scholz, Olaf Scholz, Olaf Scholz, coz", 3),
        ("so so so so", 0),
        ("a plain sentence with no repeats", None),
        ("", None),
    ],
)
def test_where_a_loop_begins(text: str, onset: int | None) -> None:
    assert cov.loop_onset(text.split()) == onset


def test_a_loop_without_hotwords_is_heard_again_once() -> None:
    from gztranscribe.transcribe import DecodeOptions, Transcriber

    model = _ScriptedModel()
    transcriber = Transcriber(source=None, model=model)  # type: ignore[arg-type]
    looped = _said("so so so so so")
    result = transcriber._unloop(silence(8.0), [looped], DecodeOptions())
    assert model.calls == [None]
    assert " ".join(s.text for s in result) == "Olaf Sholes allowed Costco to buy."


def test_each_audible_wordless_stretch_gets_one_warning_with_its_times() -> None:
    coverage = cov.Coverage(audible=100, covered=60, unheard=((87.0, 112.4), (3600.0, 3605.0)))
    assert cov.warnings(coverage, words=200) == [
        "01:27\u201301:52 audible, no words recognized: check this passage",
        "1:00:00\u20131:00:05 audible, no words recognized: check this passage",
    ]


def test_no_speech_at_all_is_said_plainly() -> None:
    assert cov.warnings(cov.Coverage(), words=0) == ["no speech found: the transcript and captions are empty"]
    assert "audible" in cov.warnings(cov.Coverage(audible=30, unheard=((0.0, 30.0),)), words=0)[0]
    assert cov.warnings(None, words=0) == []  # a transcript from before coverage was recorded


def test_only_stretches_not_judged_not_speech_are_reported() -> None:
    stretches = [(0.0, 8.0), (20.0, 30.0)]
    words = [Word(20.0, 30.0, "x")]  # covers 20-21.9 only
    examined = [cov.Examined(0.0, 8.0, cov.NOT_SPEECH), cov.Examined(21.0, 30.0, cov.UNSURE)]
    assert cov.still_unheard(stretches, words, examined) == [(21.9, 30.0)]


def test_the_json_records_coverage_and_reads_it_back() -> None:
    coverage = cov.Coverage(
        audible=42.5, covered=40.0, noise_floor_db=-61.2,
        examined=(cov.Examined(0.0, 5.0, cov.NOT_SPEECH, 0, "(music)"),
                  cov.Examined(30.0, 33.0, cov.WORDS, 4, "I really don't know")),
        unheard=((50.0, 53.0),),
    )
    transcript = Transcript(segments=(seg([Word(1.0, 2.0, "Hi.")]),), duration=60.0, coverage=coverage)
    text = jsonfile.render_transcript(transcript)
    data = json.loads(text)["coverage"]
    assert data["audible_seconds"] == 42.5 and data["covered_seconds"] == 40.0
    assert data["examined"][1] == {"start": 30.0, "end": 33.0, "outcome": "words", "words": 4,
                                   "heard": "I really don't know"}
    assert jsonfile.read_transcript(text).coverage == coverage


# --- the real model ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "audio",
    [silence(30 * 60), tone(20), pink_noise(60 * SR, np.random.default_rng(3)) * 0.05],
    ids=["30-min-silence", "20-s-tone", "pink-noise"],
)
def test_no_words_and_a_no_speech_message_on_audio_without_speech(transcriber, audio) -> None:
    transcript = transcriber.transcribe(audio)
    assert transcript.words == ()
    assert cov.warnings(transcript.coverage, len(transcript.words)) == [
        "no speech found: the transcript and captions are empty"
    ]


@pytest.mark.slow
def test_the_cli_says_when_a_file_has_no_speech(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gztranscribe", str(MEDIA / "silence.wav"), "-o", str(tmp_path), "-q"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0
    assert proc.stderr.count("no speech found") == 1
    data = json.loads((tmp_path / "silence.json").read_text())
    assert data["segments"] == [] and data["coverage"]["audible_seconds"] == 0.0


@pytest.mark.slow
def test_a_batch_says_which_file_had_no_speech_even_when_quiet(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    for name in ("silence.wav", "speech.wav"):
        (folder / name).write_bytes((MEDIA / name).read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "gztranscribe", "batch", str(folder), "-q", "--jobs", "1"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    warned = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert warned == ["warning: silence.wav: no speech found: the transcript and captions are empty"]


def test_an_intro_is_examined_once_beside_the_main_pass_and_judged_not_speech(
    transcriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gztranscribe.transcribe import Transcriber

    decoded: list[tuple[float, float]] = []
    alone = Transcriber._decode_alone

    def counting(self, audio, start, end, *args, **kwargs):  # type: ignore[no-untyped-def]
        decoded.append((start, end))
        return alone(self, audio, start, end, *args, **kwargs)

    monkeypatch.setattr(Transcriber, "_decode_alone", counting)
    transcript = transcriber.transcribe(extract_audio(SAMPLE))  # 2 s of music, then speech
    assert [(e.start, e.outcome) for e in transcript.coverage.examined] == [(0.0, cov.NOT_SPEECH)]
    assert len(decoded) == 1, "decoded ahead and used, not decoded again"
    assert transcript.words[0].start > 2.0


def test_a_falsetto_passage_the_speech_detector_misses_is_heard(transcriber) -> None:
    """falsetto2 half a second after a reader: Silero, carrying its state from the reader, scores
    it as no speech, and with no pause long enough to start it afresh nothing else would decode it.
    It is loud, so the model must examine it. (After a 1.5-s pause the detector's fresh run finds it
    on its own: ``test_a_quiet_voice_after_loud_speech_and_a_pause_is_heard_as_it_is_alone``.)"""
    clip = extract_audio(EVAL / "disfluent-en" / "falsetto2.flac")
    clip = clip / np.abs(clip).max() * 0.5
    lead = extract_audio(EVAL / "real-en" / "LJ002-0020.wav")
    audio = np.concatenate([lead, silence(0.5), clip, silence(1.0)]).astype(np.float32)
    assert [c for c in pause_cuts(audio, FRESH_AFTER_PAUSE) if c < len(audio) - SR] == [], "no fresh start"
    transcript = transcriber.transcribe(audio)
    later = [w for w in transcript.words if w.start > len(lead) / SR]
    assert len(later) >= 3, transcript.text
    assert any(e.outcome == cov.WORDS for e in transcript.coverage.examined)


@pytest.mark.slow
def test_a_whisper_under_a_music_bed_the_detector_only_leans_towards_is_heard(transcriber, clips) -> None:
    """Long-form seed 1 opens on mfa_registershift: "Montreal", then a creaky "forced, forced, a
    liner" 2-4 dB above the music bed (not audible by the floor's measure) that Silero scores
    0.3-0.46, under its 0.5. Alone the clip scores higher and is heard; in the mix, the hint is
    what gets it examined."""
    mix = make_mix(clips, 1, MixSettings(seconds=180))
    assert mix.clips[0].name == "mfa_registershift"
    transcript = transcriber.transcribe(mix.audio[: 9 * SR])
    later = [w.text for w in transcript.words if 2.2 < w.start < 6.6]
    assert len(later) >= 2, transcript.text
    assert any(e.outcome == cov.WORDS and e.start >= 2.0 for e in transcript.coverage.examined)


def telephone_band(audio: np.ndarray) -> np.ndarray:
    """300-3400 Hz, as a phone line passes it."""
    spectrum = np.fft.rfft(audio)
    hz = np.fft.rfftfreq(len(audio), 1 / SR)
    spectrum[(hz < 300) | (hz > 3400)] = 0
    return np.fft.irfft(spectrum, len(audio)).astype(np.float32)


@pytest.mark.slow
def test_a_quiet_voice_after_loud_speech_and_a_pause_is_heard_as_it_is_alone(transcriber, clips) -> None:
    """Silero carries its state through a recording: after two loud readers, a telephone-band
    Lucier 15 dB down under a music bed scored at most 0.08 and nothing of it was decoded; heard
    afresh from the pause before it, the passage is found as it is when it stands alone."""
    by_name = {c.name: c.audio for c in clips}
    lead = [by_name["2412-153948-0000"], silence(1.5), by_name["jfk"], silence(2.5)]
    start = sum(len(part) for part in lead)
    quiet = telephone_band(by_name["lucier"][: 12 * SR]) * np.float32(10 ** (-15 / 20))
    audio = np.concatenate([*lead, quiet, silence(1.0)])
    audio += music(len(audio), np.random.default_rng(1)) * np.float32(0.7 / 4 * 10 ** (-26 / 20))
    # where the detector starts afresh: the middle of the quiet run before the passage (jfk's own
    # trailing silence included)
    afresh = max(c for c in pause_cuts(audio, FRESH_AFTER_PAUSE) if c < start)
    in_mix = [w.text for w in transcriber.transcribe(audio).words if w.start >= afresh / SR]
    alone = [w.text for w in transcriber.transcribe(audio[afresh:]).words]
    assert len(alone) >= 3, "the passage alone is heard"
    assert in_mix == alone


@pytest.mark.slow
def test_the_quiet_first_word_of_an_examined_falsetto_is_kept(
    transcriber, clips, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long-form seed 6, 140-150 s: the end of mfa_whatscalled, then "This is all very high
    pitched" in falsetto. Silero's fresh run from the pause before it finds the sentence. Without
    that run (as where the pause is too short for one), the batched pass misses it and the audible
    stretch begins after the quiet "This", which the examination hears in its padding
    (``coverage.unclaimed``): kept, not cut at the gap."""
    mix = make_mix(clips, 6, MixSettings(seconds=180))
    assert [c.name for c in mix.clips if 140 < c.start < 150] == ["falsetto"]
    excerpt = mix.audio[140 * SR : 150 * SR]
    transcript = transcriber.transcribe(excerpt)
    assert transcript.text.startswith("This is all very high pitched"), transcript.text
    monkeypatch.setattr("gztranscribe.transcribe.FRESH_AFTER_PAUSE", 60.0)  # no pause that long
    transcript = transcriber.transcribe(excerpt)
    assert any(e.outcome == cov.WORDS for e in transcript.coverage.examined)
    assert transcript.text.startswith("This is all very high pitched"), transcript.text


@pytest.mark.slow
def test_words_an_examination_hears_again_are_not_added_twice(transcriber, clips) -> None:
    """Long-form seed 12, 40-126 s: Lucier's "I am sitting in a room [pause] different from the one
    you are in now. [pause] I am recording…" Decoded alone, the pauses examined get the words
    around them timed into them ("different now.", "and"); they are the transcript's own words."""
    mix = make_mix(clips, 12, MixSettings(seconds=180))
    assert [c.name for c in mix.clips if 70 < c.start < 80] == ["lucier"]
    transcript = transcriber.transcribe(mix.audio[40 * SR : 126 * SR])
    lucier = [core(w.text) for w in transcript.words if w.start > 36.0]
    assert lucier.count("different") == 1, transcript.text
    assert not [a for a, b in itertools.pairwise(lucier) if a == b], transcript.text


@pytest.mark.slow
def test_words_a_repair_hears_inside_a_long_segment_keep_their_place(transcriber, clips) -> None:
    """Long-form seed 5, 42-66 s: mfa_cutoff, 19 s of "Montreal. Montreal, force, or line, a liner"
    with long pauses, which the batched pass hears as one stretched segment. Words the repair
    rounds hear in its pauses belong between its words: they used to come after its last word,
    "…A liner. A liner. Montréal, or St. forced. Align it.", each squashed to 0 s there."""
    mix = make_mix(clips, 5, MixSettings(seconds=180))
    assert [c.name for c in mix.clips if 42 < c.start < 66] == ["mfa_cutoff"]
    transcript = transcriber.transcribe(mix.audio[42 * SR : 66 * SR])
    assert transcript.text.endswith("A liner."), transcript.text
    assert sum(w.end <= w.start for w in transcript.words) <= 1, transcript.words


@pytest.fixture(scope="module")
def clips():
    return load_clips([EVAL / "real-en", EVAL / "disfluent-en"], extract_audio)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 8, 11])  # a music intro; a music bed; a noise bed
def test_a_long_mix_loses_no_clip_its_clips_have_alone(transcriber, clips, seed: int) -> None:
    """The long-form benchmark's promise on fixed seeds (benchmarks/bench_longform.py runs 20)."""
    mix = make_mix(clips, seed, MixSettings(seconds=75))

    def transcribe(audio: np.ndarray) -> Transcript:
        return finish_transcript(transcriber.transcribe(audio), TextOptions())[0]

    whole = transcribe(mix.audio)
    alone = [transcribe(cut(mix, placed)) for placed in mix.clips]
    result = score(mix, whole.text, words_of(whole.words), [t.text for t in alone],
                   [words_of(t.words) for t in alone], normalized_wer)
    assert result.lost == ()
    assert result.mix_wer <= result.alone_wer + 0.01, mix.description


def test_transcribe_file_warns_once_per_unheard_stretch_and_keeps_it_in_the_json(tmp_path: Path) -> None:
    """A scripted transcript: the pipeline's job is to pass the verdict on, not to make it."""
    from gztranscribe.pipeline import OutputOptions, transcribe_file

    coverage = cov.Coverage(audible=3.0, covered=1.0, unheard=((0.2, 2.6),))
    scripted = Transcript(segments=(seg([Word(2.7, 3.0, "Hello.")]),), duration=3.2, coverage=coverage)

    class Scripted:
        def transcribe(self, audio, options, on_progress, source="", on_phase=None):
            return scripted

    stages: list[str] = []
    result = transcribe_file(
        MEDIA / "speech.wav", Scripted(),  # type: ignore[arg-type]
        outputs=OutputOptions(formats=("json",), output_dir=tmp_path), on_stage=stages.append,
    )
    warned = [s for s in stages if s.startswith("warning:")]
    assert warned == ["warning: speech.wav: 00:00\u201300:02 audible, no words recognized: check this passage"]
    assert result.warnings == ("speech.wav: 00:00\u201300:02 audible, no words recognized: check this passage",)
    data = json.loads((tmp_path / "speech.json").read_text())
    assert data["coverage"]["unheard"] == [{"start": 0.2, "end": 2.6}]
