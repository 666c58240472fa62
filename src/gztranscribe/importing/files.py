"""The I/O edge of ``gztranscribe import``: caption files and folders in, the show's files out.

``import_file`` reads one file of any supported format, makes the show's cues of it (or, with
media, times its words to the audio with the aligner) and writes ``STEM.vtt`` (and ``.srt``)
atomically: a file that cannot be read leaves nothing behind. ``import_folder`` does that for
every caption file in a folder with the batch's semantics: files are recognised by content,
finished ones are skipped (content hash + settings), one bad file never stops the rest, and a
report is written.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..batch import BatchSummary, ItemResult, collect, report_text
from ..caption_files import read_caption_bytes, write_captions
from ..checking import check_captions
from ..errors import GzError, InputError, UsageError
from ..glossary import Glossary
from ..manifest import Manifest
from ..output import prepare_output_dir, write_files
from ..profiles import PROFILES, StyleProfile
from ..types import Captions
from .build import recased, to_captions
from .reading import read_timed_text
from .source import decode, detect_format
from .timed_text import TimedText

CAPTION_FORMATS = ("vtt", "srt")
MANIFEST_NAME = ".gztranscribe-import-manifest.json"
REPORT_NAME = "import-report.json"
OWN_FILES = {MANIFEST_NAME, REPORT_NAME, "gztranscribe.toml", "batch-report.json",
             ".gztranscribe-manifest.json"}  # fmt: skip
SNIFF_BYTES = 8192
# a file named like captions is imported (and fails with its reason) even when it does not look
# like any format: a producer must hear about a broken .scc, not find it silently skipped
SUFFIXES = {".scc", ".dfxp", ".ttml", ".smi", ".sami", ".sbv", ".ass", ".ssa", ".srt", ".vtt"}

Event = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class ImportOptions:
    profile: StyleProfile = PROFILES["broadcast"]
    formats: tuple[str, ...] = ("vtt",)
    output_dir: Path | None = None  # None: beside the caption file
    glossary: Glossary | None = None

    def targets(self, source: Path) -> dict[str, Path]:
        folder = self.output_dir if self.output_dir is not None else source.parent
        return {fmt: folder / f"{source.stem}.{fmt}" for fmt in self.formats}

    def fingerprint(self) -> str:
        """Everything that changes an output: folder imports skip work done with the same."""
        identity = {
            "version": __version__,
            "profile": repr(self.profile),
            "formats": list(self.formats),
            "glossary": repr(self.glossary),
        }
        return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class ImportResult:
    source: Path
    format: str
    outputs: tuple[Path, ...]
    captions: Captions
    words: int
    problems: tuple[str, ...] = ()  # check errors the words themselves force (too fast speech)
    notes: tuple[str, ...] = field(default=())  # alignment report lines (with media)


def check_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    wrong = [f for f in formats if f not in CAPTION_FORMATS]
    if wrong or not formats:
        raise UsageError(
            f"import writes caption files only: --format vtt, srt or vtt,srt (not {','.join(wrong)})"
        )
    return formats


def read_source(path: Path) -> TimedText:
    """Read and parse ``path`` (InputError exit 3 for a missing path, CaptionFileError exit 8)."""
    name = str(path)
    data = read_caption_bytes(path, expected="a caption file (or import the folder's files)")
    return read_timed_text(decode(data, name), name)


def _refuse_overwrite(source: Path, targets: dict[str, Path]) -> None:
    for target in targets.values():
        if target.resolve() == source.resolve():
            raise UsageError(
                f"{source}: importing it would overwrite it with its own output; write the "
                "imported captions elsewhere with -o DIR"
            )


def _style_errors(captions: Captions, profile: StyleProfile) -> tuple[str, ...]:
    return tuple(
        f"cue {p.cue}: {p.rule}: {p.message}"
        for p in check_captions(captions, profile)
        if p.severity == "error"
    )


def import_file(
    path: Path,
    options: ImportOptions = ImportOptions(),
    *,
    media: Path | None = None,
    transcriber: Any = None,
    on_stage: Callable[[str], None] | None = None,
    on_progress: Any = None,
    targets: dict[str, Path] | None = None,
) -> ImportResult:
    """Import one caption file; with ``media``, re-time its words to the audio (needs a
    ``transcriber``, or a callable returning one, unless an ``EPISODE.json`` can be reused)."""
    check_formats(options.formats)
    timed = recased(read_source(path), options.glossary)
    targets = targets or options.targets(path)
    _refuse_overwrite(path, targets)
    words = timed.words
    if media is not None:
        return _aligned(path, timed, options, media, transcriber, on_stage, on_progress, targets)
    captions = to_captions(timed, options.profile)
    prepare_output_dir(next(iter(targets.values())).parent)
    write_files({target: write_captions(captions, fmt) for fmt, target in targets.items()})
    return ImportResult(
        path, timed.format, tuple(targets.values()), captions, len(words),
        _style_errors(captions, options.profile),
    )  # fmt: skip


def _aligned(
    path: Path, timed: TimedText, options: ImportOptions, media: Path, transcriber: Any,
    on_stage: Any, on_progress: Any, targets: dict[str, Path],
) -> ImportResult:  # fmt: skip
    from ..align import EditedText, align_file, build_captions
    from ..pipeline import OutputOptions

    edited = EditedText(tuple(timed.words), (), timed.format, str(path))
    outputs = OutputOptions(
        formats=options.formats, output_dir=next(iter(targets.values())).parent,
        profile=options.profile,
    )  # fmt: skip
    prepare_output_dir(outputs.output_dir)  # type: ignore[arg-type]
    result = align_file(
        media, path, transcriber, outputs=outputs, text=edited, targets=targets,
        on_stage=on_stage, on_progress=on_progress,
    )  # fmt: skip
    captions = build_captions(result.alignment, options.profile, result.transcript.duration)
    return ImportResult(
        path, timed.format, result.outputs, captions, len(edited.words),
        _style_errors(captions, options.profile), result.notes,
    )  # fmt: skip


# --- a folder ---------------------------------------------------------------------------------


def looks_like_captions(path: Path) -> bool:
    """Does the start of the file look like one of the readable formats (by content)?"""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    elif b"\x00" in head:
        return False
    else:  # the first bytes may end inside a character: that must not hide a caption file
        text = head.decode("utf-8", errors="ignore")
    return detect_format(text.lstrip("\ufeff")) is not None


def discover(
    folder: Path, manifest: Manifest, *, recursive: bool = False
) -> tuple[list[Path], list[Path]]:
    """(caption files, other files) in a stable order; hidden files and our own outputs skipped.

    A file with a caption extension that is not readable captions is a candidate (it fails
    with its reason): a producer must hear about a broken ``.scc``.
    """
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    ours = {p.resolve() for p in manifest.all_outputs()}
    walker = folder.rglob("*") if recursive else folder.glob("*")
    found, ignored = [], []
    for path in sorted(walker):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if path.name in OWN_FILES or path.resolve() in ours:
            continue
        if looks_like_captions(path) or path.suffix.lower() in SUFFIXES:
            found.append(path)
        else:
            ignored.append(path)
    return found, ignored


def plan_targets(
    sources: list[Path], options: ImportOptions, folder: Path | None = None
) -> dict[Path, dict[str, Path]]:
    """Output paths per source: beside it or in ``output_dir`` (mirroring sub-folders of
    ``folder``); two sources with one stem keep their extension (``ep.scc.vtt``, ``ep.srt.vtt``)
    so neither overwrites the other."""
    stems: dict[Path, list[Path]] = {}
    for source in sources:
        out = options.output_dir or source.parent
        if options.output_dir is not None and folder is not None:
            out = options.output_dir / source.parent.relative_to(folder)
        stems.setdefault(out / source.stem, []).append(source)
    planned: dict[Path, dict[str, Path]] = {}
    for base, group in stems.items():
        for source in group:
            name = source.name if len(group) > 1 else source.stem
            planned[source] = {f: base.parent / f"{name}.{f}" for f in options.formats}
    return planned


def process_folder(
    folder: Path,
    options: ImportOptions,
    *,
    recursive: bool = False,
    force: bool = False,
    on_event: Event | None = None,
) -> Iterator[ItemResult]:
    """Yield one result per caption file; never raises for a single bad file."""
    emit = on_event or (lambda _name, _data: None)
    out_root = options.output_dir or folder
    prepare_output_dir(out_root)
    manifest = Manifest(out_root / MANIFEST_NAME)
    sources, ignored = discover(folder, manifest, recursive=recursive)
    emit("ignored", {"paths": ignored})
    emit("plan", {"files": len(sources)})
    planned = plan_targets(sources, options, folder)
    fingerprint = options.fingerprint()
    for source in sources:
        started = time.perf_counter()
        targets = planned[source]
        try:
            content = manifest.content_hash(source)
            found = None if force else manifest.done_outputs(content, fingerprint, source)
            done = found[0] if found is not None else None
            if done is not None and [str(p) for p in done] == [str(p) for p in targets.values()]:
                result = ItemResult(
                    source, "skipped", tuple(done), "already imported with these settings"
                )
            else:
                imported = import_file(source, options, targets=targets)
                manifest.record(content, fingerprint, source, list(imported.outputs))
                result = ItemResult(
                    source, "done", imported.outputs, warnings=imported.problems,
                    wall_seconds=time.perf_counter() - started,
                )  # fmt: skip
        except GzError as exc:
            result = ItemResult(source, "failed", reason=str(exc), exit_code=exc.exit_code,
                                wall_seconds=time.perf_counter() - started)  # fmt: skip
        except OSError as exc:
            error = InputError(f"{source}: cannot be read ({exc.strerror})")
            result = ItemResult(source, "failed", reason=str(error), exit_code=error.exit_code)
        emit("result", {"result": result})
        yield result


def import_folder(
    folder: Path,
    options: ImportOptions,
    *,
    recursive: bool = False,
    force: bool = False,
    on_event: Event | None = None,
) -> BatchSummary:
    """Import a whole folder and always write ``import-report.json`` (even when interrupted)."""
    root = options.output_dir or folder

    def report(summary: BatchSummary, started_at: float) -> None:
        if root.is_dir():
            write_files({root / REPORT_NAME: report_text(summary, started_at)}, backup=False)

    return collect(
        lambda listen: process_folder(
            folder, options, recursive=recursive, force=force, on_event=listen
        ),
        on_event,
        finish=report,
    )


__all__ = [
    "CAPTION_FORMATS",
    "ImportOptions",
    "ImportResult",
    "import_file",
    "import_folder",
    "plan_targets",
    "process_folder",
    "read_source",
]
