"""Clean verbatim on real disfluent speech: the bundled model, real clips, real references.

``tests/data/eval/disfluent-en/`` is one speaker saying "Montreal forced aligner" with every kind
of hesitation (Montreal Forced Aligner's test clips). All 51 clips are ~5 minutes of audio, so
the tests use the 14 clips that carry hesitations, cut-offs, restarts or meaningful repeats
(~2 minutes of audio, ~10 s to transcribe); ``benchmarks/bench_text.py`` measures all of them.

References are verbatim with markup (``<hes-x>``, ``<cutoff-x>``, ``[laughter]``); the markup is
removed before scoring, as ``tests/data/eval/wer_dir.py`` does.
"""

from __future__ import annotations

import re

import jiwer
import pytest
from conftest import EVAL
from whisper_normalizer.english import EnglishTextNormalizer

from gztranscribe.cleanup import clean_transcript
from gztranscribe.document import build_document
from gztranscribe.media import extract_audio
from gztranscribe.types import Transcript

pytestmark = pytest.mark.slow  # the real model (or a browser/cluster) on real media

DISFLUENT = EVAL / "disfluent-en"
CLIPS = (
    "mfa_crossword",  # but um montreal but um but montreal forced aligner
    "mfa_cutoff",  # cut-off words, restarted
    "mfa_cutoffprogressive",
    "mfa_er",  # "i hardly know 'er": 'er is a word
    "mfa_erpause",
    "mfa_hes",
    "mfa_internalsil",  # hesitant throughout; the model writes "er"
    "mfa_thoughts",
    "mfa_uh",
    "mfa_uhuh",  # uh uh uh uh uh uh
    "mfa_uhum",
    "mfa_um",
    "mfa_words",  # word, word, word: a repetition that must stay
    "mfa_youknow",  # "you know" must stay
)
HESITATIONS = {"um", "uh", "er", "erm", "hmm", "hm", "umm", "uhm", "mm"}

_normalize = EnglishTextNormalizer()


def reference(clip: str) -> str:
    return re.sub(r"<[^>]*>|\[[^\]]*\]", " ", (DISFLUENT / f"{clip}.txt").read_text())


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


@pytest.fixture(scope="module")
def transcripts(transcriber) -> dict[str, tuple[Transcript, Transcript]]:
    """Each clip transcribed once: (as the model wrote it, in clean verbatim)."""
    out = {}
    for clip in CLIPS:
        raw = transcriber.transcribe(extract_audio(DISFLUENT / f"{clip}.flac"), source=clip)
        out[clip] = (raw, clean_transcript(raw))
    return out


def test_the_model_does_write_hesitations(transcripts) -> None:
    """Guard: without this the filler test below would pass vacuously."""
    raw_tokens = [t for raw, _ in transcripts.values() for t in tokens(raw.text)]
    assert sum(t in HESITATIONS for t in raw_tokens) >= 5


@pytest.mark.parametrize("clip", CLIPS)
def test_no_hesitation_left_in_transcript_or_captions(transcripts, clip: str) -> None:
    _, clean = transcripts[clip]
    document = build_document(clean)
    texts = {
        "words": " ".join(w.text for w in clean.words),
        "segments": clean.text,
        "paragraphs": " ".join(p.text for p in document.paragraphs),
        "captions": " ".join(c.text for c in document.captions.cues),
    }
    for where, text in texts.items():
        left = [t for t in tokens(text) if t in HESITATIONS]
        assert not left, f"{clip}: {left} left in the {where}: {text!r}"


@pytest.mark.parametrize("clip", CLIPS)
def test_kept_words_keep_their_times(transcripts, clip: str) -> None:
    raw, clean = transcripts[clip]
    starts, ends = {w.start for w in raw.words}, {w.end for w in raw.words}
    assert all(w.start in starts and w.end in ends for w in clean.words)
    assert [w.start for w in clean.words] == sorted(w.start for w in clean.words)


def test_meaningful_repetitions_stay(transcripts) -> None:
    _, clean = transcripts["mfa_words"]
    assert tokens(clean.text).count("word") >= 5  # "word, word, word, word, word"
    _, clean = transcripts["mfa_youknow"]
    assert tokens(clean.text)[:2] == ["you", "know"]


def test_cleanup_does_not_hurt_word_error_rate(transcripts) -> None:
    refs, before, after = [], [], []
    for clip, (raw, clean) in transcripts.items():
        ref = _normalize(reference(clip))
        if not ref.strip():
            continue  # mfa_internalsil: every word is marked as a hesitation
        refs.append(ref)
        before.append(_normalize(raw.text))
        after.append(_normalize(clean.text))
    assert len(refs) >= 12
    assert jiwer.wer(refs, after) <= jiwer.wer(refs, before)
