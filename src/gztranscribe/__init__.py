"""gztranscribe: commentary videos -> clean transcripts and broadcast-quality WebVTT captions."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
