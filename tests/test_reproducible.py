"""The same recording gives the same words, run after run, process after process.

Decoding is beam search at temperature 0 everywhere but one place: a stretch the batched pass looped
in is heard again with Whisper's temperature fallback, which samples. Long-form seed 6, 25-50 s
(mfa_cutoff's stuttered "Montreal. Mo- Montreal, force, or a line, a liner") is such a stretch;
before sampling was seeded it came out differently in each process, once still looping
("Mo-mo-mo-mo-…").
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import EVAL
from longform import MixSettings, load_clips, make_mix

from gztranscribe.media import extract_audio

SCRIPT = """
import sys
import numpy as np
from gztranscribe.transcribe import Transcriber

audio = np.load(sys.argv[1])
transcriber = Transcriber.load()
sampled = []
decode_alone = Transcriber._decode_alone
def counted(self, *args, retries=False):
    sampled.extend([1] if retries else [])
    return decode_alone(self, *args, retries=retries)
Transcriber._decode_alone = counted
for _ in range(int(sys.argv[2])):
    print(transcriber.transcribe(audio).text)
print(len(sampled))
"""


@pytest.mark.slow
def test_a_stretch_heard_with_sampling_comes_out_the_same_in_every_process(tmp_path: Path) -> None:
    clips = load_clips([EVAL / "real-en", EVAL / "disfluent-en"], extract_audio)
    mix = make_mix(clips, 6, MixSettings(seconds=180))
    assert [c.name for c in mix.clips if 25 < c.start < 45] == ["mfa_cutoff"]
    np.save(tmp_path / "stretch.npy", mix.audio[25 * 16_000 : 50 * 16_000])
    runs = [
        subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "stretch.npy"), str(times)],
                       capture_output=True, text=True, check=True).stdout.strip().split("\n")
        for times in (2, 1)
    ]
    (first, again, sampled), (other, _) = runs
    assert int(sampled) >= 2, "the stretch no longer loops: this test needs another one"
    assert first == again, "a second transcription in the same process differs"
    assert first == other, "another process gave other words"
