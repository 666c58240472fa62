"""Seeded long-form mixes of real recordings, and how to score a transcript of one.

A mix is what a producer's long recording looks like to the model: several voices and rooms one after
another, in random order, at levels 20 dB apart, with pauses of 0.3-4 s, optionally a noise bed, a
music bed under the speech and a music intro. The same seed always gives the same mix, so a seed that
once lost a passage is a regression test for ever.

Scoring compares the mix with its own clips: each clip is cut out of the mix (same gain, same beds)
and transcribed on its own. A passage the pipeline hears alone but not inside the long recording is
exactly the failure this guards against, so acoustic difficulty cancels out of the comparison.

Pure numpy once the clips are loaded; used by ``benchmarks/bench_longform.py`` and the test suite.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

SR = 16_000
AUDIO_SUFFIXES = (".wav", ".flac", ".mp3")


@dataclass(frozen=True)
class Clip:
    name: str
    audio: np.ndarray  # mono float32 at SR, peak-normalized to 0.7
    text: str  # reference, markup removed


@dataclass(frozen=True)
class Placed:
    name: str
    start: float  # seconds in the mix, of the clip's first sample
    end: float
    text: str
    cut: tuple[float, float]  # the stretch transcribed "alone": the clip plus half of each pause


@dataclass(frozen=True)
class Mix:
    seed: int
    audio: np.ndarray
    clips: tuple[Placed, ...]
    description: str

    @property
    def duration(self) -> float:
        return len(self.audio) / SR

    @property
    def reference(self) -> str:
        return " ".join(c.text for c in self.clips)


@dataclass(frozen=True)
class MixSettings:
    seconds: float = 180.0  # stop adding clips past this much audio
    pause: tuple[float, float] = (0.3, 4.0)
    gain_db: tuple[float, float] = (-20.0, 0.0)
    # Beds are set against the speech: dB relative to the clips' mean RMS at 0 dB gain.
    noise_db: tuple[float, float] = (-35.0, -25.0)  # the pink-noise bed
    music_db: tuple[float, float] = (-35.0, -25.0)  # the music bed under the speech
    intro: tuple[float, float] = (0.0, 10.0)  # seconds of music before the first clip
    p_noise: float = 0.5
    p_music: float = 0.4
    p_intro: float = 0.5


def reference_text(raw: str) -> str:
    """A clip's reference without markup (``<hes-x>``, ``[laughter]``), as make_mix.py writes it."""
    text = re.sub(r"<[^>]*>|\[[^\]]*\]", " ", raw)
    return re.sub(r"\s+", " ", text).strip()


def load_clips(folders: Sequence[Path], load: Callable[[Path], np.ndarray]) -> list[Clip]:
    """Every recording with a same-stem .txt in ``folders``; ``load`` decodes to mono 16 kHz."""
    clips = []
    for folder in folders:
        for path in sorted(folder.iterdir()):
            text_file = path.with_suffix(".txt")
            if path.suffix not in AUDIO_SUFFIXES or not text_file.exists():
                continue
            text = reference_text(text_file.read_text())
            if path.stem.startswith("sonnet"):
                text = re.sub(r"^\d+\s+", "", text)  # the sonnet's number is not read
            audio = load(path).astype(np.float32)
            audio = audio / (float(np.abs(audio).max()) + 1e-9) * 0.7
            clips.append(Clip(path.stem, audio, text))
    return clips


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """1/f noise with unit RMS (white noise shaped in the frequency domain)."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spectrum), dtype=np.float64)
    f[0] = 1.0
    x = np.fft.irfft(spectrum / np.sqrt(f), n)
    return (x / (np.sqrt(np.mean(x**2)) + 1e-12)).astype(np.float32)


def music(n: int, rng: np.random.Generator) -> np.ndarray:
    """A chord progression with a plucked rhythm and a bass line, unit RMS: a stand-in for a bed."""
    t = np.arange(n) / SR
    beat = 60.0 / rng.uniform(80, 140)
    roots = rng.choice([110.0, 130.8, 146.8, 164.8, 174.6, 196.0], size=max(1, int(n / SR / (4 * beat)) + 1))
    bar = (t // (4 * beat)).astype(int)
    root = roots[bar]
    phase_in_beat = (t % beat) / beat
    pluck = np.exp(-phase_in_beat * rng.uniform(3, 8))
    x = np.zeros(n)
    for ratio, amp in ((1.0, 1.0), (1.26, 0.7), (1.5, 0.7), (2.0, 0.4)):
        x += amp * np.sin(2 * np.pi * root * ratio * t) * pluck
    x += 0.8 * np.sin(2 * np.pi * root / 2 * t)
    return (x / (np.sqrt(np.mean(x**2)) + 1e-12)).astype(np.float32)


def make_mix(clips: Sequence[Clip], seed: int, settings: MixSettings = MixSettings()) -> Mix:
    """A seeded mix: random clip order, pauses, gains and beds, drawn from one generator."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(clips))
    intro = float(rng.uniform(*settings.intro)) if rng.random() < settings.p_intro else 0.0
    parts: list[np.ndarray] = [np.zeros(int((intro + 0.5) * SR), np.float32)]
    pos = len(parts[0])
    placed: list[tuple[Clip, int, int, float]] = []
    for index in order:
        clip = clips[int(index)]
        gain = float(rng.uniform(*settings.gain_db))
        parts.append(clip.audio * np.float32(10 ** (gain / 20)))
        placed.append((clip, pos, pos + len(clip.audio), gain))
        pos += len(clip.audio)
        pause = np.zeros(int(rng.uniform(*settings.pause) * SR), np.float32)
        parts.append(pause)
        pos += len(pause)
        if pos / SR >= settings.seconds:
            break
    audio = np.concatenate(parts)
    speech = float(np.mean([np.sqrt(np.mean(c.audio**2)) for c, *_ in placed]))
    notes = [f"{len(placed)} clips"]
    if intro:
        bed = music(int(intro * SR), rng) * np.float32(speech * 10 ** (-6 / 20))
        bed *= np.minimum(1.0, np.linspace(intro, 0, len(bed)) / 0.5).astype(np.float32)  # fade out
        audio[: len(bed)] += bed
        notes.append(f"{intro:.1f} s music intro")
    if rng.random() < settings.p_music:
        level = float(rng.uniform(*settings.music_db))
        audio += music(len(audio), rng) * np.float32(speech * 10 ** (level / 20))
        notes.append(f"music bed {level:.0f} dB")
    if rng.random() < settings.p_noise:
        level = float(rng.uniform(*settings.noise_db))
        audio += pink_noise(len(audio), rng) * np.float32(speech * 10 ** (level / 20))
        notes.append(f"noise bed {level:.0f} dB")
    np.clip(audio, -1.0, 1.0, out=audio)
    result = []
    for i, (clip, a, b, _gain) in enumerate(placed):
        before = a - (placed[i - 1][2] if i else a)
        after = (placed[i + 1][1] if i + 1 < len(placed) else len(audio)) - b
        cut = _alone_span(a, b, before, after, len(audio), SR // 2)
        result.append(Placed(clip.name, a / SR, b / SR, clip.text, (cut[0] / SR, cut[1] / SR)))
    return Mix(seed, audio, tuple(result), ", ".join(notes))


def cut(mix: Mix, placed: Placed) -> np.ndarray:
    """The clip as it sounds inside the mix (its gain, the beds under it), for transcribing alone."""
    return mix.audio[round(placed.cut[0] * SR) : round(placed.cut[1] * SR)]


def recut(mix: Mix, index: int, most: float) -> np.ndarray:
    """Clip ``index`` with up to ``most`` seconds of each pause around it, never past half of one.

    ``cut`` takes at most 0.5 s; 0.25 or 1.0 s is the clip alone just as much. Transcribing the clips
    with each measures how far "alone" itself moves when nothing but the silence around it changes:
    the noise floor any mix-against-alone comparison sits on (``bench_longform.py --floor``).
    """
    placed = mix.clips[index]
    a, b = round(placed.start * SR), round(placed.end * SR)
    before = a - round(mix.clips[index - 1].end * SR) if index else 0  # the intro is no clip's
    after = (round(mix.clips[index + 1].start * SR) if index + 1 < len(mix.clips) else len(mix.audio)) - b
    start, end = _alone_span(a, b, before, after, len(mix.audio), round(most * SR))
    return mix.audio[start:end]


def _alone_span(a: int, b: int, before: int, after: int, total: int, pad: int) -> tuple[int, int]:
    """Samples of the clip at [a, b) with up to ``pad`` of each pause around it, never past half."""
    return max(0, a - min(before // 2, pad)), min(total, b + min(after // 2, pad))


@dataclass(frozen=True)
class Words:
    """Timed words of a transcript, normalized for comparison."""

    times: tuple[tuple[float, float], ...]
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    mix_wer: float
    alone_wer: float
    lost: tuple[str, ...]  # clips with >= 3 words right alone, of which the mix kept under half


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, punctuation dropped, the way ``Words.tokens`` are made."""
    return [t for t in (re.sub(r"[^a-z0-9']", "", w) for w in text.lower().split()) if t]


def words_of(words: Sequence[Any]) -> Words:
    """A transcript's timed words (anything with ``start``, ``end``, ``text``) as ``Words``."""
    kept = [(w, re.sub(r"[^a-z0-9']", "", w.text.lower())) for w in words]
    kept = [(w, t) for w, t in kept if t]
    return Words(tuple((w.start, w.end) for w, _ in kept), tuple(t for _, t in kept))


def normalized_wer(refs: list[str], hyps: list[str]) -> float:
    """Corpus WER after Whisper's English normalizer, as the eval set's ``wer_dir.py`` scores."""
    import jiwer

    norm = _normalizer()
    return jiwer.wer([norm(r) for r in refs], [norm(h) for h in hyps])


@lru_cache(maxsize=1)
def _normalizer() -> Callable[[str], str]:
    from whisper_normalizer.english import EnglishTextNormalizer

    return EnglishTextNormalizer()


def words_in(words: Words, start: float, end: float) -> list[str]:
    """Tokens of the words whose midpoint falls inside [start, end)."""
    return [t for (a, b), t in zip(words.times, words.tokens) if start <= (a + b) / 2 < end]


def score(
    mix: Mix,
    mix_text: str,
    mix_words: Words,
    alone_texts: Sequence[str],
    alone_words: Sequence[Words],
    wer: Callable[[list[str], list[str]], float],
) -> Score:
    """Corpus WER of the mix and of its clips alone, and which clips the mix lost."""
    refs = [c.text for c in mix.clips]
    mix_wer = wer([" ".join(refs)], [mix_text])
    alone_wer = wer([" ".join(refs)], [" ".join(alone_texts)])
    lost = []
    for placed, alone in zip(mix.clips, alone_words):
        # The words the clip gets right alone; a garbled name ("forest liner" / "for styliner")
        # is wrong either way and proves nothing about the passage being heard.
        right = Counter(alone.tokens) & Counter(tokens(placed.text))
        if sum(right.values()) < 3:
            continue
        kept = right & Counter(words_in(mix_words, placed.cut[0], placed.cut[1]))
        if sum(kept.values()) * 2 < sum(right.values()):
            lost.append(placed.name)
    return Score(mix_wer, alone_wer, tuple(lost))
