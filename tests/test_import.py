"""``gztranscribe import``: caption files of every format vendors and platforms deliver ->
the show's WebVTT, valid in a browser, passing ``check``, every word kept in order.

The fixtures are made here (``import_corpus``): by pycaption's, pysubs2's and our writers, and
by hand as editors, platforms and broadcast captioners write them, plus malformed files. No
model is loaded except in the ``--media`` test (marked slow).
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_corpus import (
    MALFORMED,
    Fixture,
    corpus,
    make_script,
    scc_rollup,
    with_pycaption,
    words_of,
    youtube_rollup,
)
from test_browser import browser, serve  # noqa: F401 - the browser test's fixtures

from gztranscribe.caption_files import read_caption_file
from gztranscribe.errors import CaptionFileError, ExitCode
from gztranscribe.glossary import Glossary
from gztranscribe.importing import TimedBlock, decode, read_timed_text, recased, to_captions
from gztranscribe.importing.casing import sentence_case
from gztranscribe.importing.rollup import spoken_blocks
from gztranscribe.profiles import PROFILES

PROFILE = PROFILES["broadcast"]

CORPUS = corpus()
NAMES = (
    "Ian Bremmer\nKazakhstan\nKazakh\nKremlin\nTokayev\nNazarbayev\nRussians\nRussian\nUS\n"
    "Biden\nPutin\nUkraine\nNATO\nGeneva\nAmericans\nEurope\nSoviet Union\nCSTO\n"
)


def _words(vtt: Path) -> list[str]:
    return [w for cue in read_caption_file(vtt).captions.cues for w in " ".join(cue.lines).split()]


def _same_words(got: list[str], fixture: Fixture) -> bool:
    if fixture.upper:
        return [w.lower() for w in got] == [w.lower() for w in fixture.words]
    return got == list(fixture.words)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Fixture, Path]]:
    """Every fixture imported once with the real CLI (in-process): name -> (fixture, VTT)."""
    from typer.testing import CliRunner

    from gztranscribe.cli import app

    root = tmp_path_factory.mktemp("import")
    (root / "in").mkdir()
    glossary = root / "names.txt"
    glossary.write_text(NAMES, encoding="utf-8")
    runner = CliRunner()
    out: dict[str, tuple[Fixture, Path]] = {}
    for fixture in CORPUS:
        source = root / "in" / fixture.name
        source.write_bytes(fixture.data)
        folder = root / "out" / fixture.name.replace(".", "-")  # stems repeat across formats
        done = runner.invoke(app, ["import", str(source), "-o", str(folder), "-g", str(glossary)])
        assert done.exit_code == 0, f"{fixture.name}: {done.output}"
        out[fixture.name] = (fixture, folder / f"{source.stem}.vtt")
    return out


@pytest.mark.parametrize("name", [f.name for f in CORPUS])
def test_every_format_imports_with_every_word_and_passes_check(name: str, imported, cli) -> None:
    fixture, vtt = imported[name]
    got = _words(vtt)
    assert _same_words(got, fixture), f"{name}: words changed\n{got}\n{list(fixture.words)}"
    checked = cli("check", vtt)
    assert checked.exit_code == 0, checked.output
    text = vtt.read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n")
    assert "<" not in re.sub(r"-->", "", text) and "align:" not in text  # no tags, no positions


def test_the_corpus_covers_every_format_from_writers_and_by_hand() -> None:
    kinds = {f.kind for f in CORPUS}
    assert kinds == {"scc", "ttml", "sami", "sbv", "ass", "srt", "vtt", "microdvd"}
    for fixture in CORPUS:  # recognised by content: the extension is sometimes wrong on purpose
        assert (
            read_timed_text(fixture.data.decode("utf-8-sig"), fixture.name).format == fixture.kind
        )


TRACKS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>imports</title></head>
<body><video id="video" preload="none" muted>{tracks}</video></body></html>"""

READ_ALL_TRACKS = """() => Array.from(document.querySelectorAll("track"), (el) => ({
  src: el.getAttribute("src"),
  state: el.readyState,
  cues: Array.from(el.track.cues || [], (c) => ({start: c.startTime, end: c.endTime,
                                                text: c.getCueAsHTML().textContent})),
}))"""


def test_chromium_reads_every_imported_file_cue_for_cue(
    imported,
    browser: Any,  # noqa: F811 - test_browser's fixture
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    """One page, one <track> per imported file: Chromium loads each and finds our cues."""
    site = tmp_path / "site"
    site.mkdir()
    names = {}
    for number, (name, (_fixture, vtt)) in enumerate(sorted(imported.items())):
        names[f"t{number}.vtt"] = (name, vtt)
        (site / f"t{number}.vtt").write_bytes(vtt.read_bytes())
    tracks = "".join(f'<track kind="captions" srclang="en" src="{src}">' for src in names)
    (site / "index.html").write_text(TRACKS_PAGE.format(tracks=tracks), encoding="utf-8")
    page = browser.new_page()
    page.goto(serve(site) + "index.html", wait_until="load")
    page.evaluate(
        "() => { for (const t of document.getElementById('video').textTracks) t.mode = 'hidden'; }"
    )
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('track')).every((t) => t.readyState >= 2)",
        timeout=30_000,
    )
    loaded = page.evaluate(READ_ALL_TRACKS)
    page.close()
    assert len(loaded) == len(CORPUS)
    for track in loaded:
        name, vtt = names[track["src"]]
        assert track["state"] == 2, f"{name}: Chromium refused the file"
        cues = read_caption_file(vtt).captions.cues
        assert len(track["cues"]) == len(cues), (
            f"{name}: Chromium read {len(track['cues'])} of {len(cues)} cues"
        )
        for cue, ours in zip(track["cues"], cues, strict=True):
            assert (
                abs(cue["start"] - ours.start) <= 0.001 and abs(cue["end"] - ours.end) <= 0.001
            ), name
            assert cue["text"] == "\n".join(ours.lines), name


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_or_unsupported_file_is_one_line_exit_8_and_nothing_written(
    name: str, cli, tmp_path: Path
) -> None:
    source = tmp_path / name
    source.write_bytes(MALFORMED[name])
    out = tmp_path / "out"
    done = cli("import", source, "-o", out)
    assert done.exit_code == ExitCode.CAPTION_FILE, done.output
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and name in lines[0], lines
    assert "Traceback" not in done.output
    assert not out.exists() or not any(out.iterdir())


def test_scc_round_trip_keeps_every_word_and_restores_sentence_case(tmp_path: Path, cli) -> None:
    """Ours -> SCC (capitals, as broadcast) -> import: the words come back, in sentence case,
    names spelled from the glossary."""
    from gztranscribe.captions import retime_cues
    from gztranscribe.formats.vtt import render_captions
    from gztranscribe.types import Cue

    script = make_script(3, n=14)
    ours = retime_cues([Cue(s, e, tuple(lines)) for s, e, lines in script], PROFILE)
    (tmp_path / "ours.vtt").write_text(render_captions(ours), encoding="utf-8")
    original = _words(tmp_path / "ours.vtt")
    shouted = [
        (c.start, c.end, [line.upper().replace("\u2019", "'") for line in c.lines])
        for c in ours.cues
    ]
    scc = tmp_path / "episode.scc"
    scc.write_text(with_pycaption("SCCWriter", shouted), encoding="utf-8")
    glossary = tmp_path / "names.txt"
    glossary.write_text(NAMES, encoding="utf-8")

    done = cli("import", scc, "-o", tmp_path / "out", "-g", glossary)
    assert done.exit_code == 0, done.output
    back = _words(tmp_path / "out" / "episode.vtt")
    assert [w.lower() for w in back] == [w.replace("\u2019", "'").lower() for w in original]
    assert back == [w.replace("\u2019", "'") for w in original], "sentence case not restored"
    assert cli("check", tmp_path / "out" / "episode.vtt").exit_code == 0


def test_scc_roll_up_and_paint_on_give_each_word_once(tmp_path: Path) -> None:
    script = make_script(4, n=8)
    for data in (scc_rollup(script), with_pycaption("SCCWriter", script, "paint_on").encode()):
        timed = read_timed_text(data.decode(), "live.scc")
        assert timed.roll_up
        assert [w.lower() for w in timed.words] == [
            w.lower().replace("\u2019", "'").replace("\u2014", "-") for w in words_of(script)
        ]


def test_youtube_rollup_imports_every_word_once_in_order_timed_from_inline_times(
    tmp_path: Path, cli
) -> None:
    data, timed = youtube_rollup(make_script(5, n=12), seed=5)
    source = tmp_path / "auto.en.vtt"
    source.write_bytes(data)
    done = cli("import", source, "-o", tmp_path / "out")
    assert done.exit_code == 0, done.output
    cues = read_caption_file(tmp_path / "out" / "auto.en.vtt").captions.cues
    words = [w for cue in cues for w in " ".join(cue.lines).split()]
    assert words == [w for w, _ in timed]  # each word once: no repeated lines, no 10 ms cues
    first = 0
    for cue in cues:  # each cue starts on its first word's inline time
        assert abs(cue.start - timed[first][1]) <= 0.0015, (cue, timed[first])
        first += len(cue.text.split())
    assert all(cue.end - cue.start >= 0.8 for cue in cues)


def test_roll_up_keeps_words_repeated_in_speech() -> None:
    """Rows are de-duplicated whole; "no, no, no" spoken is not a repeated row."""
    screens = [
        TimedBlock(0, 1, ("no, no, no",)),
        TimedBlock(1, 2, ("no, no, no", "no, I said")),
        TimedBlock(2, 2.01, ("no, I said",)),
        TimedBlock(2.01, 3, ("no, I said", "no.")),
    ]
    words = [w for b in spoken_blocks(screens) for w in b.tokens]
    assert words == ["no,", "no,", "no", "no,", "I", "said", "no."]


def test_sentence_case_changes_only_case_and_uses_the_glossary() -> None:
    glossary = Glossary.of("Ian Bremmer", "Kazakhstan", "NATO")
    words = [
        "HEY",
        "EVERYBODY,",
        "IAN",
        "BREMMER",
        "HERE.",
        "I'M",
        "IN",
        "KAZAKHSTAN'S",
        "CAPITAL",
        "WITH",
        "NATO",
        "AND",
        "THE",
        "U.S.",
        "TEAM.",
    ]
    out = sentence_case(words, glossary)
    assert " ".join(out) == (
        "Hey everybody, Ian Bremmer here. I'm in Kazakhstan's capital with NATO and the U.S. team."
    )
    assert [w.lower() for w in out] == [w.lower() for w in words]


def test_a_vtt_is_never_overwritten_by_its_own_import(tmp_path: Path, cli) -> None:
    source = tmp_path / "episode.vtt"
    data = next(f for f in CORPUS if f.kind == "vtt").data
    source.write_bytes(data)
    done = cli("import", source)
    assert done.exit_code == ExitCode.USAGE and "-o" in done.stderr
    assert source.read_bytes() == data


def test_srt_on_request_and_unknown_formats_refused(tmp_path: Path, cli) -> None:
    fixture = next(f for f in CORPUS if f.kind == "sbv")
    source = tmp_path / "talk.sbv"
    source.write_bytes(fixture.data)
    done = cli("import", source, "-o", tmp_path / "o", "--format", "vtt,srt")
    assert done.exit_code == 0, done.output
    srt = read_caption_file(tmp_path / "o" / "talk.srt").captions.cues
    assert [w for c in srt for w in c.text.split()] == list(fixture.words)
    assert (
        cli("import", source, "-o", tmp_path / "o", "--format", "txt").exit_code == ExitCode.USAGE
    )


def test_a_folder_imports_every_caption_file_with_batch_semantics(tmp_path: Path, cli) -> None:
    folder = tmp_path / "delivery"
    folder.mkdir()
    chosen = [f for f in CORPUS if f.name.endswith("-1.scc") or f.name.endswith("-2.srt")][:4]
    for fixture in chosen:
        (folder / fixture.name).write_bytes(fixture.data)
    (folder / "broken.scc").write_bytes(MALFORMED["scc-garbage.scc"])
    (folder / "readme.txt").write_text("Delivered by the vendor on Monday.\n", encoding="utf-8")
    out = tmp_path / "site"

    first = cli("import", folder, "-o", out)
    assert first.exit_code == ExitCode.BATCH_FAILURES, first.output
    assert "broken.scc" in first.stderr
    report = json.loads((out / "import-report.json").read_text())
    assert (report["done"], report["failed"], len(report["ignored"])) == (len(chosen), 1, 1)
    for fixture in chosen:
        assert (out / f"{Path(fixture.name).stem}.vtt").is_file()
    assert not (out / "broken.vtt").exists()

    (folder / "broken.scc").unlink()
    again = cli("import", folder, "-o", out)
    assert again.exit_code == 0, again.output
    report = json.loads((out / "import-report.json").read_text())
    assert (report["done"], report["skipped"], report["failed"]) == (0, len(chosen), 0)


def test_imported_text_is_escaped_for_browsers(tmp_path: Path, cli) -> None:
    source = tmp_path / "amp.srt"
    source.write_text(
        "1\n00:00:01,000 --> 00:00:04,000\nTom & Jerry: 5 > 3 -> yes\n", encoding="utf-8"
    )
    assert cli("import", source, "-o", tmp_path / "o").exit_code == 0
    text = (tmp_path / "o" / "amp.vtt").read_text()
    assert "Tom &amp; Jerry: 5 &gt; 3 -&gt; yes" in text
    assert html.unescape(text.split("\n")[-2]) == "Tom & Jerry: 5 > 3 -> yes"


JUNK = st.one_of(
    st.binary(max_size=12),
    st.text(alphabet="0123456789:.,-> <>/\n\r\t&;{}[]\\\"'=abcTPpsbr", max_size=12).map(str.encode),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(0, len(CORPUS) - 1),
    cuts=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 40), JUNK), max_size=5),
)
def test_damaged_files_of_every_format_are_read_or_refused_never_a_traceback(index, cuts) -> None:
    """Bytes cut out and junk put in anywhere: the import makes cues or raises exit 8."""
    data = bytearray(CORPUS[index].data)
    for where, length, junk in cuts:
        at = int(where * len(data))
        data[at : at + length] = junk
    try:
        timed = read_timed_text(decode(bytes(data), "damaged"), "damaged")
    except CaptionFileError as exc:
        assert exc.exit_code == ExitCode.CAPTION_FILE and "\n" not in str(exc)
        return
    assert timed.blocks and all(b.end >= b.start >= 0 for b in timed.blocks)
    cues = to_captions(recased(timed, None), PROFILE).cues  # cues come out in time order
    got = Counter(w.lower() for c in cues for w in c.text.split())
    assert got == Counter(w.lower() for w in timed.words)  # no word lost or invented


EPISODE = (
    Path(__file__).parent / "data" / "eval" / "episodes" / "quicktake-slt" / "quicktake-slt.mp4"
)
EPISODE_TEXT = Path(__file__).parent / "data" / "eval" / "examples" / "quicktake-kazakhstan.txt"


def spread_by_length(words: list[str], duration: float, width: int = 42) -> str:
    """A vendor's SRT with the right words and bad timing: two-line cues whose times are the
    whole running time shared out by text length (late in some places, early in others)."""
    cues: list[list[str]] = []
    for word in words:
        if cues and len(" ".join(cues[-1] + [word])) <= 2 * width:
            cues[-1].append(word)
        else:
            cues.append([word])
    total = sum(len(" ".join(c)) + 1 for c in cues)
    blocks, t = [], 0.0
    for n, cue in enumerate(cues, start=1):
        length = duration * (len(" ".join(cue)) + 1) / total
        text = " ".join(cue)
        cut = text.rfind(" ", 0, len(text) // 2 + 1) if len(text) > width else -1
        lines = [text[:cut], text[cut + 1 :]] if cut > 0 else [text]
        stamp = lambda s: f"{int(s // 3600):02d}:{int(s // 60 % 60):02d}:{s % 60:06.3f}".replace(
            ".", ","
        )
        blocks.append("\n".join([str(n), f"{stamp(t)} --> {stamp(t + length)}", *lines]))
        t += length
    return "\n\n".join(blocks) + "\n"


@pytest.mark.slow
def test_media_retimes_a_length_spread_srt_to_the_episode(tmp_path: Path, cli, model_loads) -> None:
    """The 5-minute episode's published text as an SRT timed by length only: with --media at
    least 95% of the sentence starts get a cue starting within 250 ms."""
    reference = json.loads((EPISODE.parent / "reference.json").read_text())
    words = EPISODE_TEXT.read_text(encoding="utf-8").split()
    source = tmp_path / "quicktake-slt.srt"
    source.write_text(spread_by_length(words, reference["duration"]), encoding="utf-8")
    before = [c.start for c in read_caption_file(source).captions.cues]

    done = cli("import", source, "--media", EPISODE, "-o", tmp_path / "out", "-q")
    assert done.exit_code == 0, done.output
    cues = read_caption_file(tmp_path / "out" / "quicktake-slt.vtt").captions.cues
    assert [w for c in cues for w in c.text.split()] == words
    assert cli("check", tmp_path / "out" / "quicktake-slt.vtt").exit_code == 0

    starts = [s["start"] for s in reference["sentences"]]

    def within(cue_starts: list[float]) -> float:
        return sum(min(abs(c - s) for c in cue_starts) <= 0.25 for s in starts) / len(starts)

    print(f"sentence starts within 250 ms: {within(before):.0%} as delivered, "
          f"{within([c.start for c in cues]):.0%} after --media")  # fmt: skip
    assert within(before) < 0.5  # the delivered timing really is bad
    assert within([c.start for c in cues]) >= 0.95


def test_several_files_with_one_stem_keep_apart_and_a_bad_one_fails_the_run(
    tmp_path: Path, cli
) -> None:
    scc = next(f for f in CORPUS if f.kind == "scc")
    srt = next(f for f in CORPUS if f.kind == "srt")
    (tmp_path / "ep.scc").write_bytes(scc.data)
    (tmp_path / "ep.srt").write_bytes(srt.data)
    (tmp_path / "bad.vtt").write_bytes(MALFORMED["vtt-bad-cue.vtt"])
    done = cli(
        "import",
        tmp_path / "ep.scc",
        tmp_path / "ep.srt",
        tmp_path / "bad.vtt",
        "-o",
        tmp_path / "o",
    )
    assert done.exit_code == ExitCode.BATCH_FAILURES, done.output
    assert "bad.vtt" in done.stderr
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["ep.scc.vtt", "ep.srt.vtt"]
    assert _same_words(_words(tmp_path / "o" / "ep.srt.vtt"), srt)
    assert _same_words(_words(tmp_path / "o" / "ep.scc.vtt"), scc)
