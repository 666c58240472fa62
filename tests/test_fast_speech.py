"""A cue the speech itself makes too fast carries the engine's note, and `check` reads it.

The style guide allows a faster cue where a whole sentence is spoken faster than the reading speed
even with the pause after it. The caption file alone cannot show that, so the engine writes what it
measured as a WebVTT NOTE before the cue; `check` grades a cue no faster than its note as a warning.
Anything else over the reading speed stays an error: no note, a note slower than the cue, a cue the
engine could have made slower, or a format with no notes.
"""

from __future__ import annotations

from test_captions import BROADCAST, words_from
from test_captions_fast_speech import calm_fast_calm

from gztranscribe import fast_speech
from gztranscribe.caption_files import parse_caption_text
from gztranscribe.captions import build_cues, retime_cues
from gztranscribe.checking import check_captions
from gztranscribe.formats import srt, vtt
from gztranscribe.types import Captions, Cue


def fast_episode() -> list:
    before, fast, after = calm_fast_calm()
    return before + fast + after


def severities(captions: Captions, rule: str = "reading-speed") -> list[str]:
    return [p.severity for p in check_captions(captions, BROADCAST) if p.rule == rule]


def test_the_note_states_the_rate_and_reads_back() -> None:
    text = fast_speech.note(21.34, 20)
    assert fast_speech.is_note(text) and fast_speech.noted_rate(text) == 21.3
    assert "faster than 20 a second" in text
    assert fast_speech.noted_rate("a producer's own note") is None
    assert fast_speech.noted_rate("") is None


def test_a_sentence_spoken_too_fast_gets_noted_cues_and_check_warns_instead_of_failing() -> None:
    captions = build_cues(fast_episode())
    noted = [c for c in captions.cues if c.note]
    assert noted, "the 26 cps sentence is faster than any split can read"
    assert all(fast_speech.noted_rate(c.note) for c in noted)
    assert severities(captions) == ["warning"] * len(noted)
    assert [p for p in check_captions(captions, BROADCAST) if p.severity == "error"] == []


def test_ordinary_speech_has_no_notes() -> None:
    words = words_from("Here is the latest from the town hall tonight. We will have more tomorrow.", 14.0)
    assert [c.note for c in build_cues(words).cues] == ["", ""]


def test_guessed_word_times_never_earn_a_note() -> None:
    """`check --fix` re-times a foreign file from guessed word times: no evidence of the speech."""
    crammed = [Cue(0.0, 2.0, ("The council voted to spend the whole transport grant",)),
               Cue(2.0, 3.5, ("on new lanes this year and the next.",))]
    assert all(c.note == "" for c in retime_cues(crammed, BROADCAST).cues)


def test_the_note_travels_through_webvtt_and_stays_with_its_cue() -> None:
    captions = build_cues(fast_episode())
    text = vtt.render_captions(Captions(captions.cues, ("made by a producer",)))
    parsed = parse_caption_text(text, kind="vtt").captions
    assert [c.note for c in parsed.cues] == [c.note for c in captions.cues]
    assert parsed.notes == ("made by a producer",), "a producer's note stays a file note"
    assert severities(parsed) == severities(captions)


def test_a_cue_faster_than_its_note_is_still_an_error() -> None:
    cue = Cue(0.0, 2.0, ("The council voted to spend the whole grant",))  # 42 chars in 2 s: 21
    assert severities(Captions((cue,))) == ["error"]
    assert severities(Captions((Cue(0.0, 2.0, cue.lines, note=fast_speech.note(21.0, 20)),))) == ["warning"]
    assert severities(Captions((Cue(0.0, 2.0, cue.lines, note=fast_speech.note(20.5, 20)),))) == ["error"]
    assert severities(Captions((Cue(0.0, 2.0, cue.lines, note="fast speech, trust me"),))) == ["error"]


def test_a_note_with_no_cue_after_it_is_kept_as_a_file_note() -> None:
    text = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello there.\n\nNOTE " + fast_speech.note(21.0, 20) + "\n"
    parsed = parse_caption_text(text, kind="vtt").captions
    assert parsed.cues[0].note == "" and len(parsed.notes) == 1


def test_srt_has_no_notes_so_the_fast_cue_is_an_error_there() -> None:
    captions = build_cues(fast_episode())
    parsed = parse_caption_text(srt.render_captions(captions), kind="srt").captions
    assert "error" in severities(parsed)


def test_fix_never_trades_a_noted_warning_for_an_error() -> None:
    """Re-timing drops the note (its times are no longer the engine's): `--fix` must not choose a
    re-timed run that turns the reading-speed warning back into an error."""
    from gztranscribe.checking import fix_captions

    captions = build_cues(fast_episode())
    fixed = fix_captions(captions, BROADCAST)
    assert [p for p in check_captions(fixed, BROADCAST) if p.severity == "error"] == []
    too_fast = [c for c in fixed.cues if len(c.text) / c.duration > BROADCAST.max_cps + 0.05]
    assert all(fast_speech.noted_rate(c.note) for c in too_fast)
