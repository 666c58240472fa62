"""A corpus of caption files in every format ``gztranscribe import`` reads, made by the tests.

Each file is written from a *script* (cues of known words and times) by a library's writer
(pycaption, pysubs2, our own) or by hand the way vendors and platforms write them (a BOM and
CRLF, tags, styles, cue settings, YouTube's roll-up with inline word times, SCC roll-up and
paint-on), plus malformed files of every format. ``source_words`` of a fixture is what the
import must keep, in order. Shared by tests/test_import.py and benchmarks/bench_import.py.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gztranscribe.formats.timestamps import format_timestamp

TEXT = Path(__file__).parent / "data" / "eval" / "examples" / "quicktake-kazakhstan.txt"

Script = list[tuple[float, float, list[str]]]  # start, end, lines


@dataclass(frozen=True)
class Fixture:
    name: str  # file name (the extension is deliberately sometimes wrong)
    data: bytes
    words: tuple[str, ...]  # the words the import must keep, in order
    kind: str  # the format the content is in
    upper: bool = False  # written in capitals: compare words case-insensitively
    starts: tuple[float, ...] = ()  # the script's cue starts (what a reader should find)


def sentences(limit: int | None = None) -> list[str]:
    text = TEXT.read_text(encoding="utf-8").replace("\n", " ")
    found = [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]
    return found[:limit] if limit else found


def make_script(seed: int, n: int = 10, width: int = 40, extra: str = "") -> Script:
    """Cues of 1-2 lines cut from the episode's text, ~14 characters a second, with pauses.

    ``width`` varies between files so some cues break the profile (lines too long) and must be
    re-flowed; ``extra`` is a sentence appended (characters that need escaping).
    """
    rng = random.Random(seed)
    words = " ".join(sentences()[seed % 20 : seed % 20 + n] + ([extra] if extra else [])).split()
    script: Script = []
    t = 0.5 + rng.random()
    i = 0
    while i < len(words):
        lines = []
        for _ in range(rng.choice((1, 2, 2))):
            line: list[str] = []
            while i < len(words) and len(" ".join([*line, words[i]])) <= width:
                line.append(words[i])
                i += 1
            if not line and i < len(words):
                line, i = [words[i]], i + 1
            if line:
                lines.append(" ".join(line))
        chars = sum(len(x) for x in lines)
        duration = max(1.0, chars / rng.uniform(12, 15))
        script.append((round(t, 3), round(t + duration, 3), lines))
        t += duration + rng.choice((0.0, 0.0, 0.25, 0.6, 1.8))
    return script


def words_of(script: Script) -> tuple[str, ...]:
    return tuple(w for _, _, lines in script for line in lines for w in line.split())


def _ascii(script: Script, width: int = 32) -> Script:
    """SCC can hold 32 characters a row and the 608 character set: rewrap into screens of two
    rows, each screen taking its share of the cue's time by length."""
    out: Script = []
    for start, end, lines in script:
        words = " ".join(lines).replace("\u2019", "'").replace("\u2014", "-").split()
        rows: list[str] = []
        for w in words:
            if rows and len(rows[-1]) + 1 + len(w) <= width:
                rows[-1] += " " + w
            else:
                rows.append(w)
        screens = [rows[k : k + 2] for k in range(0, len(rows), 2)]
        total = sum(len(" ".join(x)) for x in screens)
        t = start
        for screen in screens:
            share = (end - start) * len(" ".join(screen)) / total
            out.append((round(t, 3), round(t + share, 3), screen))
            t += share
    return out


# --- library writers --------------------------------------------------------------------------


def pycaption_set(script: Script, mode: str | None = None):
    from pycaption.base import Caption, CaptionList, CaptionNode, CaptionSet

    caps = []
    for start, end, lines in script:
        nodes = []
        for k, line in enumerate(lines):
            if k:
                nodes.append(CaptionNode.create_break())
            nodes.append(CaptionNode.create_text(line))
        caption = Caption(round(start * 1e6), round(end * 1e6), nodes)
        if mode:
            caption.caption_mode = mode
            caption.roll_up_rows = 2
        caps.append(caption)
    return CaptionSet({"en-US": CaptionList(caps)})


def pysubs2_file(script: Script):
    import pysubs2

    subs = pysubs2.SSAFile()
    for start, end, lines in script:
        subs.events.append(
            pysubs2.SSAEvent(
                start=round(start * 1000), end=round(end * 1000), text=r"\N".join(lines)
            )
        )
    return subs


def with_pycaption(writer: str, script: Script, mode: str | None = None) -> str:
    import pycaption

    return getattr(pycaption, writer)().write(pycaption_set(script, mode))


def with_pysubs2(fmt: str, script: Script) -> str:
    return pysubs2_file(script).to_string(fmt)


def with_pysubs2_fps(fmt: str, script: Script, fps: float = 25.0) -> str:
    return pysubs2_file(script).to_string(fmt, fps=fps)


# --- by hand ----------------------------------------------------------------------------------


def _ts(seconds: float, sep: str = ".") -> str:
    return format_timestamp(seconds, sep)


def srt_by_hand(script: Script) -> bytes:
    """A subtitle editor's SRT: BOM, CRLF, <i>/<font> tags, {\\an8}, a missing cue number."""
    blocks = []
    for n, (start, end, lines) in enumerate(script, start=1):
        shown = list(lines)
        if n % 3 == 1:
            shown[0] = "<i>" + shown[0] + "</i>"
        if n % 4 == 2:
            shown[-1] = '<font color="#ffff00">' + shown[-1] + "</font>"
        if n % 5 == 3:
            shown[0] = r"{\an8}" + shown[0]
        number = [] if n == 2 else [str(n)]
        blocks.append("\r\n".join([*number, f"{_ts(start, ',')} --> {_ts(end, ',')}", *shown]))
    return b"\xef\xbb\xbf" + ("\r\n\r\n".join(blocks) + "\r\n").encode()


def vtt_by_hand(script: Script) -> bytes:
    """A platform's WebVTT: STYLE, REGION and NOTE blocks, cue settings, voice and class tags,
    escaped characters, identifiers."""
    head = [
        "WEBVTT - from the platform",
        "STYLE\n::cue(.yellow) { color: yellow; }",
        "REGION\nid:bottom\nwidth:40%\nlines:3",
        "NOTE exported by a platform",
    ]
    blocks = []
    for n, (start, end, lines) in enumerate(script, start=1):
        esc = [x.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for x in lines]
        if n % 2:
            esc[0] = "<v Ian Bremmer>" + esc[0]
        if n % 3 == 0:
            esc[-1] = "<c.yellow>" + esc[-1] + "</c>"
        settings = " line:85% position:50% align:center" if n % 2 == 0 else " region:bottom"
        blocks.append("\n".join([f"cue-{n}", f"{_ts(start)} --> {_ts(end)}{settings}", *esc]))
    return ("\n\n".join(head + blocks) + "\n").encode()


def youtube_rollup(script: Script, seed: int = 0) -> tuple[bytes, list[tuple[str, float]]]:
    """YouTube's automatic captions: each cue shows the previous line above the new one, whose
    words carry inline times; then a 10 ms cue holds the finished line. Returns the file and
    the (word, start) pairs it encodes."""
    rng = random.Random(seed)
    words = [w for w in words_of(script)]
    lines: list[list[str]] = []
    while words:
        take = rng.randint(3, 8)
        lines.append(words[:take])
        words = words[take:]
    timed: list[tuple[str, float]] = []
    t = 0.16
    blocks = ["WEBVTT\nKind: captions\nLanguage: en"]
    previous = ""
    for line in lines:
        starts = []
        for w in line:
            starts.append(round(t, 3))
            t += 0.12 + 0.045 * len(w)
        end = round(t, 3)
        timed.extend(zip(line, starts))
        pieces = [line[0]] + [f"<{_ts(s)}><c> {w}</c>" for w, s in zip(line[1:], starts[1:])]
        body = "".join(pieces).replace("&", "&amp;")
        blocks.append(
            f"{_ts(starts[0])} --> {_ts(end)} align:start position:0%\n{previous or ' '}\n{body}"
        )
        finished = " ".join(line).replace("&", "&amp;")
        blocks.append(f"{_ts(end)} --> {_ts(end + 0.01)} align:start position:0%\n{finished}\n ")
        previous = finished
        t = end + 0.01 + rng.choice((0.0, 0.0, 0.4))
    return ("\n\n".join(blocks) + "\n").encode(), timed


def rolled_screens(script: Script, width: int = 32) -> Script:
    """Roll-up written as screens (what a tool converting live captions to pop-on or to SRT
    writes): each screen shows the previous row above the new one."""
    rows: list[tuple[float, float, str]] = []
    for start, end, lines in _ascii(script, width):
        for k, row in enumerate(lines):
            share = (end - start) / len(lines)
            rows.append((start + k * share, start + (k + 1) * share, row))
    return [
        (start, end, [rows[k - 1][2], row] if k else [row])
        for k, (start, end, row) in enumerate(rows)
    ]


def microdvd_by_hand(script: Script, fps: float = 23.976) -> bytes:
    """MicroDVD as old players want it: the frame rate on the first line, ``|`` line breaks,
    ``{y:i}`` italics."""
    rows = [f"{{1}}{{1}}{fps}"]
    for n, (start, end, lines) in enumerate(script):
        text = "|".join(lines)
        rows.append(
            f"{{{round(start * fps)}}}{{{round(end * fps)}}}{'{y:i}' if n % 2 else ''}{text}"
        )
    return ("\n".join(rows) + "\n").encode()


def scc_rollup(script: Script) -> bytes:
    """Live SCC roll-up as a broadcast captioner sends it: RU2, CR, a PAC and one row each time
    (capitals, the 608 character set), cleared at the end."""
    from pycaption import SCCWriter
    from pycaption.base import Caption, CaptionNode

    writer = SCCWriter()
    out = ["Scenarist_SCC V1.0", ""]
    last = 0.0
    for start, end, lines in _ascii(script):
        for k, row in enumerate(lines):
            at = start + k * (end - start) / len(lines)
            code = writer._text_to_code(Caption(0, 1, [CaptionNode.create_text(row.upper())]))
            out += [f"{_smpte(at)}\t9425 9425 94ad 94ad {code.strip()}", ""]
            last = end
    out += [f"{_smpte(last + 0.5)}\t942c 942c", ""]
    return "\n".join(out).encode()


def _smpte(seconds: float) -> str:
    frames = round(seconds * 30)
    return f"{frames // 108000:02d}:{frames // 1800 % 60:02d}:{frames // 30 % 60:02d}:{frames % 30:02d}"


def ttml_by_hand(script: Script) -> bytes:
    """A vendor's TTML: ``dur`` instead of ``end``, seconds with ``s``, styled spans, <br/>."""
    ps = []
    for start, end, lines in script:
        esc = [x.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for x in lines]
        body = "<br/>".join(
            f'<span tts:fontStyle="italic">{x}</span>' if k else x for k, x in enumerate(esc)
        )
        ps.append(f'      <p begin="{start:.3f}s" dur="{end - start:.3f}s" region="r1">{body}</p>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:tts="http://www.w3.org/ns/ttml#styling" '
        'xml:lang="en">\n  <head><layout><region xml:id="r1" tts:origin="10% 80%"/></layout></head>\n'
        "  <body>\n    <div>\n" + "\n".join(ps) + "\n    </div>\n  </body>\n</tt>\n"
    ).encode()


def sami_by_hand(script: Script, bilingual: bool = False) -> bytes:
    """SAMI as old Windows tools write it: upper-case tags, a class per language, &nbsp; clears;
    ``bilingual``: a French track beside the English one (only the English is the show's)."""
    syncs = []
    for start, end, lines in script:
        esc = [x.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for x in lines]
        french = "<P Class=FRFRCC>Bonjour tout le monde" if bilingual else ""
        syncs.append(
            f"<SYNC Start={round(start * 1000)}><P Class=ENUSCC>{'<br>'.join(esc)}{french}"
        )
        syncs.append(f"<SYNC Start={round(end * 1000)}><P Class=ENUSCC>&nbsp;")
    return (
        '<SAMI>\n<HEAD>\n<TITLE>episode</TITLE>\n<STYLE TYPE="text/css">\n<!--\n'
        "P { font-family: Arial; }\n.ENUSCC { Name: English; lang: en-US; }\n-->\n</STYLE>\n"
        "</HEAD>\n<BODY>\n" + "\n".join(syncs) + "\n</BODY>\n</SAMI>\n"
    ).encode()


def sbv_by_hand(script: Script) -> bytes:
    def t(s: float) -> str:
        return f"{int(s // 3600)}:{int(s // 60 % 60):02d}:{s % 60:06.3f}"

    blocks = [f"{t(s)},{t(e)}\n" + "\n".join(lines) for s, e, lines in script]
    return ("\n\n".join(blocks) + "\n").encode()


def ass_by_hand(script: Script) -> bytes:
    """Aegisub-style ASS: override tags, \\N breaks, a comment line and a drawing (not speech)."""
    events = [
        "Comment: 0,0:00:00.00,0:00:05.00,Default,,0,0,0,,a note for the typesetter",
        r"Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,{\p1}m 0 0 l 100 0 100 100 0 100{\p0}",
    ]
    for n, (start, end, lines) in enumerate(script):

        def c(s: float) -> str:
            cs = round(s * 100)
            return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"

        text = r"\N".join(lines)
        if n % 2:
            text = r"{\i1}" + text + r"{\i0}"
        if n % 3 == 0:
            text = r"{\pos(320,50)\c&H00FFFF&}" + text
        events.append(f"Dialogue: 0,{c(start)},{c(end)},Default,,0,0,0,,{text}")
    return (
        "[Script Info]\nScriptType: v4.00+\nPlayResX: 640\nPlayResY: 360\n\n"
        "[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
        "OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, "
        "Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
        "Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,"
        "1,2,2,2,10,10,10,1\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, "
        "MarginR, MarginV, Effect, Text\n" + "\n".join(events) + "\n"
    ).encode()


# --- the corpus -------------------------------------------------------------------------------

EXTRA = "Tom & Jerry said 5 > 3, and that's that."


def corpus() -> list[Fixture]:
    """Every format, from library writers and by hand; ~2 files per writer, varied scripts."""
    fixtures: list[Fixture] = []

    def add(name: str, make: Callable[[Script], str | bytes], kind: str, seed: int,
            width: int = 40, upper: bool = False, ascii_only: bool = False) -> None:  # fmt: skip
        script = make_script(seed, width=width, extra=EXTRA)
        if ascii_only:
            script = _ascii(script)
        if upper:
            script = [(s, e, [x.upper() for x in lines]) for s, e, lines in script]
        data = make(script)
        raw = data if isinstance(data, bytes) else data.encode()
        starts = tuple(s for s, _, _ in script)
        fixtures.append(Fixture(name, raw, words_of(script), kind, upper, starts))

    for seed, width in ((1, 40), (2, 55)):
        add(f"pycaption-{seed}.scc", lambda s: with_pycaption("SCCWriter", s), "scc", seed,
            upper=True, ascii_only=True)  # fmt: skip
        add(f"pycaption-paint-on-{seed}.scc", lambda s: with_pycaption("SCCWriter", s, "paint_on"),
            "scc", seed + 10, upper=True, ascii_only=True)  # fmt: skip
        add(f"rollup-{seed}.scc", scc_rollup, "scc", seed + 20, ascii_only=True, upper=True)
        fixtures.append(_rolled(f"rolled-screens-{seed}.scc", seed + 30, "scc"))
        fixtures.append(_rolled(f"youtube-auto-{seed}.srt", seed + 31, "srt"))
        add(
            f"pycaption-{seed}.dfxp", lambda s: with_pycaption("DFXPWriter", s), "ttml", seed, width
        )
        add(f"pysubs2-{seed}.ttml", lambda s: with_pysubs2("ttml", s), "ttml", seed + 1, width)
        add(f"vendor-{seed}.xml", ttml_by_hand, "ttml", seed + 2, width)
        add(f"pycaption-{seed}.smi", lambda s: with_pycaption("SAMIWriter", s), "sami", seed, width)
        add(f"windows-{seed}.sami", sami_by_hand, "sami", seed + 3, width)
        add(f"bilingual-{seed}.smi", lambda s: sami_by_hand(s, True), "sami", seed + 16, width)
        add(f"youtube-{seed}.sbv", sbv_by_hand, "sbv", seed + 4, width)
        add(f"pysubs2-{seed}.ass", lambda s: with_pysubs2("ass", s), "ass", seed + 5, width)
        add(f"pysubs2-{seed}.ssa", lambda s: with_pysubs2("ssa", s), "ass", seed + 6, width)
        add(f"aegisub-{seed}.ass", ass_by_hand, "ass", seed + 7, width)
        add(f"pysubs2-{seed}.srt", lambda s: with_pysubs2("srt", s), "srt", seed + 8, width)
        add(
            f"pycaption-{seed}.srt",
            lambda s: with_pycaption("SRTWriter", s),
            "srt",
            seed + 9,
            width,
        )
        add(f"editor-bom-crlf-{seed}.txt", srt_by_hand, "srt", seed + 11, width)
        add(f"platform-{seed}.vtt", vtt_by_hand, "vtt", seed + 12, width)
        add(f"pysubs2-{seed}.sub", lambda s: with_pysubs2_fps("microdvd", s), "microdvd", seed + 17)
        add(f"player-{seed}.sub", microdvd_by_hand, "microdvd", seed + 18, width)
        add(
            f"pycaption-{seed}.vtt",
            lambda s: with_pycaption("WebVTTWriter", s),
            "vtt",
            seed + 13,
            width,
        )
        add(f"pysubs2-{seed}.vtt", lambda s: with_pysubs2("vtt", s), "vtt", seed + 14, width)
        add(
            f"youtube-auto-{seed}.vtt",
            lambda s, seed=seed: youtube_rollup(s, seed)[0],
            "vtt",
            seed + 15,
        )
    return fixtures


def _rolled(name: str, seed: int, kind: str) -> Fixture:
    """Roll-up screens as pop-on SCC (capitals) or as SRT: the words are each row once."""
    script = _ascii(make_script(seed, extra=EXTRA))
    screens = rolled_screens(script)
    if kind == "scc":
        shouted = [(s, e, [x.upper() for x in lines]) for s, e, lines in screens]
        data = with_pycaption("SCCWriter", shouted).encode()
    else:
        data = with_pysubs2("srt", screens).encode()
    starts = tuple(s for s, _, _ in screens)
    return Fixture(name, data, words_of(script), kind, kind == "scc", starts)


MALFORMED: dict[str, bytes] = {
    "empty.vtt": b"",
    "blank.srt": b"\n\n  \n",
    "binary.scc": bytes(range(256)) * 4,
    "not-utf8.srt": "1\n00:00:01,000 --> 00:00:02,000\ncaf\xe9\n".encode("latin-1"),
    "prose.txt": b"Just a paragraph of prose with no timing at all.\n",
    "microdvd.sub": b"{25}{75}Hello there|second line\n{100}{150}More\n",
    "scc-garbage.scc": b"Scenarist_SCC V1.0\n\n00:00:01:00\tzzzz qqqq 12\n",
    "scc-no-captions.scc": b"Scenarist_SCC V1.0\n\n00:00:01:00\t942c 942c\n",
    "scc-bad-frames.scc": b"Scenarist_SCC V1.0\n\n00:00:01:45\t9420 9420 c845 4c4c 4f80 942f 942f\n",
    "truncated.dfxp": b'<?xml version="1.0"?>\n<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="00:00:01.000" end="00:00:0',
    "ttml-no-body.ttml": b'<?xml version="1.0"?>\n<tt xmlns="http://www.w3.org/ns/ttml"></tt>\n',
    "sami-no-sync.smi": b"<SAMI><BODY><P>no timing here</P></BODY></SAMI>\n",
    "ass-no-events.ass": b"[Script Info]\nScriptType: v4.00+\n",
    "srt-bad-time.srt": b"1\n00:00:01,000 --> banana\nHello\n",
    "vtt-no-cues.vtt": b"WEBVTT\n\nNOTE nothing here\n",
    "vtt-bad-cue.vtt": b"WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nHello\n",
    # one broken cue among good ones: pysubs2 reads its timing line as text, webvtt-py skips it
    "srt-broken-cue-inside.srt": b"1\n00:00:01,000 --> 00:00:02,000\nHello there\n\n2\n"
    b"00:00:0x,000 --> 00:00:04,000\nLost words\n\n3\n00:00:05,000 --> 00:00:06,000\nEnd\n",
    "vtt-stray-text.vtt": b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello there\n\nstray text\n\n"
    b"00:00:05.000 --> 00:00:06.000\nEnd\n",
    "sbv-broken-block-inside.sbv": b"0:00:01.000,0:00:02.000\nHello there\n\n0:00:0x.000,"
    b"0:00:04.000\nLost words\n\n0:00:05.000,0:00:06.000\nEnd here\n",
    "sbv-bad.sbv": b"0:00:01.000,0:00:03.000\n\n0:00:04.000,0:00:0\nbroken\n",
}
