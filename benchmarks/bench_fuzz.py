#!/usr/bin/env python3
"""Caption commands on hostile files: time for 1 MB and 10 MB inputs, and the ratio (linear ~10x).

Each input is a pathological shape the adversarial run used (one cue line of 100k+ repeated tag
openers, thousands of cues with one identifier, cues run together, one cue of a million words...)
or a plain long file, written at two sizes. Every command (`check`, `convert` to SRT, `check
--fix`) runs in this process through the real CLI (typer's runner), so interpreter start-up does
not hide a slope; the exit code is printed too (never 1: that would be a crash). Times are CPU
seconds of this process (``time.process_time``): on a shared machine wall time measures the
neighbours as much as the code.

Usage: python benchmarks/bench_fuzz.py [--sizes 1,10] [--only NAME,...] [--commands check,...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

MB = 1_000_000


def _one_line(token: str) -> Callable[[int], str]:
    def make(size: int) -> str:
        head = "WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n"
        return head + token * max(1, (size - len(head)) // len(token)) + "\n"

    return make


def _cues(size: int, *, ident: Callable[[int], str] = lambda i: "", blank: str = "\n") -> str:
    parts = ["WEBVTT\n\n"]
    total, i = 8, 0
    while total < size:
        start = i * 2.0
        h, rem = divmod(start, 3600)
        m, s = divmod(rem, 60)
        stamp = f"{int(h):02d}:{int(m):02d}:{s:06.3f}"
        h2, rem2 = divmod(start + 1.5, 3600)
        m2, s2 = divmod(rem2, 60)
        stamp2 = f"{int(h2):02d}:{int(m2):02d}:{s2:06.3f}"
        label = ident(i)
        block = (f"{label}\n" if label else "") + (
            f"{stamp} --> {stamp2}\nthe quick brown fox jumps over\nthe lazy dog number {i}\n"
        )
        parts.append(block + blank)
        total += len(block) + len(blank)
        i += 1
    return "".join(parts)


def _one_cue_of_words(size: int) -> str:
    head = "WEBVTT\n\n00:00:00.000 --> 10:00:00.000\n"
    words = "word " * ((size - len(head)) // 5)
    return head + words + "\n"


def _many_lines_one_cue(size: int) -> str:
    head = "WEBVTT\n\n00:00:00.000 --> 10:00:00.000\n"
    return head + "short line\n" * ((size - len(head)) // 11)


def _blank_lines(size: int) -> str:
    return "WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n" + "\n" * size


INPUTS: dict[str, Callable[[int], str]] = {
    "cues (plain file)": _cues,
    "cues, one shared id": lambda size: _cues(size, ident=lambda i: "same"),
    "cues, no blank lines": lambda size: _cues(size, blank=""),
    "one cue, 1 word per 5 B": _one_cue_of_words,
    "one cue, 1 line per 11 B": _many_lines_one_cue,
    "blank lines": _blank_lines,
    "line of '<c '": _one_line("<c "),
    "line of '<a'": _one_line("<a"),
    "line of '<font '": _one_line("<font "),
    "line of '>'": _one_line(">"),
    "line of '{\\'": _one_line("{\\"),
    "line of '<c.'": _one_line("<c."),
    "line of '&'": _one_line("&"),
    "line of '-->'": _one_line("-->"),
    "line of '<00:00:01.000'": _one_line("<00:00:01.000"),
}

COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "check": lambda src, out: ["check", str(src)],
    "convert": lambda src, out: ["convert", str(src), str(out / "out.srt")],
    "check --fix": lambda src, out: ["check", str(src), "--fix", "-o", str(out / "fixed.vtt")],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10", help="file sizes in MB (default 1,10)")
    parser.add_argument("--only", default="", help="comma-separated input names (substrings)")
    parser.add_argument("--commands", default=",".join(COMMANDS))
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    commands = [c.strip() for c in args.commands.split(",")]

    from gztranscribe.cli import app

    runner = CliRunner()
    header = " | ".join(f"{s:g} MB CPU s" for s in sizes)
    print(f"| input | command | {header} | ratio | exit |")
    print("| --- | --- |" + " --- |" * len(sizes) + " --- | --- |")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, make in INPUTS.items():
            if wanted and not any(w in name for w in wanted):
                continue
            files = []
            for size in sizes:
                path = folder / f"in-{size:g}.vtt"
                path.write_text(make(int(size * MB)), encoding="utf-8")
                files.append(path.with_name(f"{name.replace('/', '_')}-{size:g}.vtt"))
                path.rename(files[-1])
            for command in commands:
                times, codes = [], []
                for path in files:
                    started = time.process_time()
                    result = runner.invoke(app, COMMANDS[command](path, folder))
                    times.append(time.process_time() - started)
                    codes.append(result.exit_code)
                    if result.exception and not isinstance(result.exception, SystemExit):
                        codes[-1] = f"CRASH {result.exception!r}"[:60]  # type: ignore[call-overload]
                ratio = times[-1] / times[0] if times[0] > 0 else float("nan")
                size_ratio = sizes[-1] / sizes[0]
                worst = max(worst, ratio / size_ratio)
                cells = " | ".join(f"{t:.2f}" for t in times)
                print(f"| {name} | {command} | {cells} | {ratio:.1f}x | {codes} |", flush=True)
            for path in files:
                path.unlink()
    print(f"\nworst ratio / size ratio: {worst:.2f} (1.0 = linear; quadratic would be ~10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
