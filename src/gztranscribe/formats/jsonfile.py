"""The JSON transcript: the full result, and the source every other format can be rendered from.

Schema (version 1): source, language, duration, model, options, coverage (what was audible, what
words cover, stretches re-examined and their outcome, audible stretches left wordless), and segments
with their words, times in seconds rounded to milliseconds. ``read_transcript`` is the inverse of ``render``.
"""

from __future__ import annotations

import json
from typing import Any

from ..coverage import Coverage
from ..errors import InputError
from ..types import Segment, Transcript, Word

EXTENSION = "json"
SCHEMA_VERSION = 1


def _t(seconds: float) -> float:
    return round(seconds, 3)


def to_dict(transcript: Transcript) -> dict[str, Any]:
    return {
        "schema": "gztranscribe.transcript",
        "version": SCHEMA_VERSION,
        "source": transcript.source,
        "language": transcript.language,
        "duration": _t(transcript.duration),
        "model": transcript.model,
        "options": transcript.options,
        "text": transcript.text,
        **({"coverage": transcript.coverage.as_dict()} if transcript.coverage is not None else {}),
        "segments": [
            {
                "start": _t(s.start),
                "end": _t(s.end),
                "text": s.text,
                "avg_logprob": round(s.avg_logprob, 4),
                "no_speech_prob": round(s.no_speech_prob, 4),
                "words": [
                    {
                        "start": _t(w.start),
                        "end": _t(w.end),
                        "text": w.text,
                        "probability": round(w.probability, 4),
                    }
                    for w in s.words
                ],
            }
            for s in transcript.segments
        ],
    }


def render_transcript(transcript: Transcript) -> str:
    return json.dumps(to_dict(transcript), ensure_ascii=False, indent=1) + "\n"


def read_transcript(text: str, *, name: str = "transcript") -> Transcript:
    """Parse our JSON back into a Transcript, or say plainly why the file is not one."""
    try:
        data = json.loads(text)
        if data.get("schema") != "gztranscribe.transcript":
            raise ValueError("it is not a gztranscribe transcript (no 'schema' field)")
        segments = tuple(
            Segment(
                start=float(s["start"]),
                end=float(s["end"]),
                text=str(s["text"]),
                avg_logprob=float(s.get("avg_logprob", 0.0)),
                no_speech_prob=float(s.get("no_speech_prob", 0.0)),
                words=tuple(
                    Word(
                        start=float(w["start"]),
                        end=float(w["end"]),
                        text=str(w["text"]),
                        probability=float(w.get("probability", 1.0)),
                    )
                    for w in s.get("words", [])
                ),
            )
            for s in data["segments"]
        )
        return Transcript(
            segments=segments,
            language=str(data.get("language", "")),
            duration=float(data.get("duration", 0.0)),
            model=str(data.get("model", "")),
            options=dict(data.get("options", {})),
            source=str(data.get("source", "")),
            coverage=Coverage.from_dict(data["coverage"]) if data.get("coverage") else None,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(
            f"{name}: not a readable gztranscribe JSON transcript ({exc}); "
            "render from the .json that gztranscribe wrote"
        ) from None
