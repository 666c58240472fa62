"""The package's shape: pure stages stay pure, modules stay readable in one sitting.

The pure modules (captions, text, cleanup, formats, checking...) are what a library user or a
test imports to render and lint captions; they must not drag in the model, ffmpeg, the CLI or
Dask. Checked in a fresh interpreter, since this test session has loaded everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "gztranscribe"

PURE_MODULES = (
    "gztranscribe",  # the package itself: its public API loads on first use
    "gztranscribe.captions",
    "gztranscribe.text",
    "gztranscribe.cleanup",
    "gztranscribe.formats",
    "gztranscribe.checking",
    "gztranscribe.matching",
    "gztranscribe.spoken_units",
    "gztranscribe.speech",
    "gztranscribe.types",
    "gztranscribe.full_stops",  # asks the model, but imports it only when asked
    "gztranscribe.fast_speech",
)
HEAVY = ("faster_whisper", "ctranslate2", "av", "ffmpeg", "typer", "rich", "dask", "distributed")
MAX_MODULE_LINES = 800


def _loaded_after_import(module: str) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout))


@pytest.mark.parametrize("module", PURE_MODULES)
def test_a_pure_module_loads_no_model_media_cli_or_cluster_library(module: str) -> None:
    heavy = sorted(set(HEAVY) & _loaded_after_import(module))
    assert not heavy, f"importing {module} loads {heavy}"


def test_no_module_is_longer_than_can_be_read_in_one_sitting() -> None:
    long = {
        str(path.relative_to(SRC)): n
        for path in SRC.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_every_public_name_of_the_package_resolves_to_the_object_its_module_owns() -> None:
    import importlib

    import gztranscribe

    for name in gztranscribe.__all__:
        value = getattr(gztranscribe, name)
        if name != "__version__":
            owner = importlib.import_module(f"gztranscribe.{gztranscribe._PUBLIC[name]}")
            assert value is getattr(owner, name), name
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        gztranscribe.nonexistent  # noqa: B018
