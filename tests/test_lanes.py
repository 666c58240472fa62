"""Two lanes: one file's decode windows shared between two model workers, one thread each.

Whisper tiny's matrices are too small for two threads to share one decoding step well, so two
half-batches side by side finish sooner (README, "Speed and memory"). That is only allowed to
change the speed: every window is decoded on its own, so the words must be the same.
"""

from __future__ import annotations

import pytest
from conftest import EVAL

from gztranscribe.media import extract_audio
from gztranscribe.transcribe import ModelOptions, Transcriber


@pytest.mark.parametrize("threads", [2, 3, 4, 8])
def test_one_file_on_several_cores_gets_two_lanes_within_the_threads_asked_for(threads: int) -> None:
    lanes, workers, per_worker = ModelOptions(threads=threads).plan()
    assert (lanes, workers) == (2, 2)
    assert workers * per_worker <= threads


def test_one_core_means_one_lane_with_its_one_thread() -> None:
    assert ModelOptions(threads=1).plan() == (1, 1, 1)


def test_a_batch_running_several_files_at_once_gives_each_file_one_lane() -> None:
    lanes, workers, per_worker = ModelOptions(threads=4, workers=2).plan()
    assert (lanes, workers, per_worker) == (1, 2, 2)


def test_lanes_can_be_set_by_hand() -> None:
    assert ModelOptions(threads=2, lanes=1).plan() == (1, 1, 2)
    assert ModelOptions(threads=4, lanes=4).plan() == (4, 4, 1)


def test_a_recording_of_several_windows_has_the_same_words_on_one_lane_or_two(transcriber) -> None:
    audio = extract_audio(EVAL / "real-en" / "lucier.mp3")  # 101 s: several decode windows
    assert transcriber.lanes == 2 or transcriber.options.threads == 1
    one_lane = Transcriber.load(ModelOptions(lanes=1))
    two, one = transcriber.transcribe(audio), one_lane.transcribe(audio)
    assert [(w.text, w.start, w.end) for w in two.words] == [(w.text, w.start, w.end) for w in one.words]
    assert len(two.words) > 80


def test_an_interrupt_drops_the_windows_not_yet_started() -> None:
    """Ctrl-C during a long file must not wait for every queued window to be decoded."""
    import threading

    from gztranscribe.transcribe import interruptible_pool

    started: list[int] = []
    inside = threading.Event()
    release = threading.Event()

    def window(i: int) -> None:
        started.append(i)
        inside.set()
        release.wait(5)

    with pytest.raises(KeyboardInterrupt), interruptible_pool(1) as pool:
        for i in range(6):
            pool.submit(window, i)
        inside.wait(5)
        threading.Timer(0.3, release.set).start()  # the window inside the model finishes...
        raise KeyboardInterrupt
    assert started == [0], "...and the five still queued are never started"


def test_a_pool_left_normally_finishes_all_its_work() -> None:
    from gztranscribe.transcribe import interruptible_pool

    done: list[int] = []
    with interruptible_pool(2) as pool:
        for i in range(6):
            pool.submit(done.append, i)
    assert sorted(done) == list(range(6))


def test_the_speech_detector_searching_two_halves_finds_what_one_search_finds(transcriber) -> None:
    """The speech detector runs on the two halves of a recording side by side (cut in a quiet run).
    Its state at the cut starts afresh, so a boundary may move by a window or two of Silero's
    (32 ms each), and a region still open where the first half ends runs to the cut; no region is
    lost, split or joined."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    from gztranscribe.media import SAMPLE_RATE
    from gztranscribe.transcribe import VAD_SPLIT_FROM, DecodeOptions

    audio = extract_audio(EVAL / "real-en" / "lucier.mp3")
    assert len(audio) > VAD_SPLIT_FROM * SAMPLE_RATE
    options = DecodeOptions()
    vad = VadOptions(threshold=options.vad_threshold, min_silence_duration_ms=options.vad_min_silence_ms,
                     speech_pad_ms=options.vad_speech_pad_ms, max_speech_duration_s=options.max_window)
    whole = [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in get_speech_timestamps(audio, vad)]
    halves, _ = transcriber._speech_regions(audio, options)
    assert len(halves) == len(whole) > 5
    moved = [max(abs(a - c), abs(b - d)) for (a, b), (c, d) in zip(whole, halves, strict=True)]
    assert sorted(moved)[-2] <= 0.065  # every boundary but the one at the cut
    assert max(moved) < 1.0
