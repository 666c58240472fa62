"""The text a producer aligns: words, and where its paragraphs start (read from txt, VTT or SRT)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    pass



@dataclass(frozen=True, slots=True)
class EditedText:
    """The words to caption, exactly as written, and where the text's paragraphs begin.

    ``words`` are the text split on whitespace, punctuation attached ("Kazakhstan,"). An empty
    ``paragraph_starts`` means the text has no paragraphs of its own (a caption file): the
    transcript's paragraphs are then chosen as for a transcription.
    """

    words: tuple[str, ...]
    paragraph_starts: tuple[int, ...] = ()
    kind: str = "txt"
    name: str = "text"


def parse_text(text: str, *, name: str = "text") -> EditedText:
    """Plain text -> words and paragraphs.

    Paragraphs are separated by blank lines when the text has any (a text wrapped at a fixed
    width); otherwise every non-empty line is a paragraph (one paragraph a line, as our .txt).
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\n[ \t]*\n", text.strip()):
        blocks = re.split(r"\n[ \t]*\n", text)
    else:
        blocks = text.split("\n")
    words: list[str] = []
    starts: list[int] = []
    for block in blocks:
        tokens = block.split()
        if tokens:
            starts.append(len(words))
            words.extend(tokens)
    return EditedText(tuple(words), tuple(starts), "txt", name)


def read_text(path: Path) -> EditedText:
    """Read the edited text: plain UTF-8 paragraphs, or a .vtt/.srt whose cue text is kept."""
    name = str(path)
    if not path.exists():
        raise InputError(f"{name}: no such file; give the edited transcript (.txt, .vtt or .srt)")
    if path.is_dir():
        raise InputError(f"{name}: is a folder; give the edited transcript (.txt, .vtt or .srt)")
    if path.suffix.lower() in (".vtt", ".srt"):
        from .caption_files import read_captions

        captions = read_captions(path)
        words = tuple(w for cue in captions.cues for w in " ".join(cue.lines).split())
        edited = EditedText(words, (), path.suffix.lower().lstrip("."), name)
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{name}: cannot read it ({exc.strerror or exc})") from None
        if b"\x00" in data:
            raise InputError(f"{name}: binary data, not a text file; give the transcript as text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"{name}: not UTF-8 text; re-save the transcript as UTF-8") from None
        edited = parse_text(text, name=name)
    if not edited.words:
        raise InputError(f"{name}: the text has no words to align")
    return edited


