"""Which model is used and where it comes from: bundled, a folder, or a faster-whisper name."""

from __future__ import annotations

from pathlib import Path

import pytest

from gztranscribe.errors import ModelError
from gztranscribe.models import DEFAULT_MODEL, load_model, pick_device, resolve_model


@pytest.fixture
def offline_empty_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No network and an empty Hugging Face cache, whatever this machine has downloaded.

    huggingface_hub reads HF_HUB_OFFLINE and the cache folder when it is imported, so the
    constants are patched as well as the environment.
    """
    import huggingface_hub.constants as hf

    cache = tmp_path / "hf-cache"
    cache.mkdir()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(hf, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(hf, "HF_HUB_CACHE", str(cache))
    return cache


@pytest.mark.parametrize("spec", [None, "", "default", "bundled", "tiny.en", "  default  "])
def test_no_model_or_the_default_alias_means_the_bundled_tiny_en(spec: str | None) -> None:
    source = resolve_model(spec)
    assert (source.name, source.kind) == (DEFAULT_MODEL, "bundled")
    assert (source.path / "model.bin").is_file()
    assert (source.path / "config.json").is_file()


def test_the_bundled_model_needs_no_network(offline_empty_cache: Path) -> None:
    assert resolve_model(None).kind == "bundled"


def test_a_model_folder_is_used_as_it_is(offline_empty_cache: Path) -> None:
    bundled = resolve_model(None).path
    source = resolve_model(str(bundled))
    assert (source.kind, source.path) == ("folder", bundled)


def test_a_model_folder_may_be_given_relative_to_the_current_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bundled = resolve_model(None).path
    monkeypatch.chdir(bundled.parent)
    source = resolve_model(f"./{bundled.name}")
    assert source.kind == "folder"
    assert source.path.resolve() == bundled.resolve()


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        (["config.json", "tokenizer.json"], "model.bin"),
        (["model.bin"], "config.json"),
        ([], "model.bin, config.json"),
    ],
)
def test_a_folder_without_the_model_files_is_refused_naming_what_is_missing(
    tmp_path: Path, present: list[str], missing: str
) -> None:
    for name in present:
        (tmp_path / name).write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match=f"missing {missing}\\)") as info:
        resolve_model(str(tmp_path))
    assert str(tmp_path) in str(info.value)


@pytest.mark.parametrize("spec", ["./no-such-folder", "/no/such/model", "~/no-such-model-dir"])
def test_a_path_that_does_not_exist_is_refused_as_a_missing_folder(spec: str) -> None:
    with pytest.raises(ModelError, match="does not exist or is not a folder"):
        resolve_model(spec)


def test_a_file_given_as_model_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    with pytest.raises(ModelError, match="not a folder"):
        resolve_model(str(tmp_path / "model.bin"))


@pytest.mark.parametrize("name", ["nosuch-model", "tiny-en", "large-v9", "whisper"])
def test_an_unknown_model_name_is_refused_listing_the_known_names(
    name: str, offline_empty_cache: Path
) -> None:
    with pytest.raises(ModelError, match=f"unknown model '{name}'") as info:
        resolve_model(name)
    message = str(info.value)
    for known in ("tiny.en", "small.en", "large-v3", "distil-large-v3"):
        assert known in message


def test_a_known_name_that_is_not_downloaded_while_offline_says_how_to_fix_it(
    offline_empty_cache: Path,
) -> None:
    with pytest.raises(ModelError) as info:
        resolve_model("large-v3")
    message = str(info.value)
    assert "'large-v3'" in message
    assert "not in the local cache" in message
    assert "internet" in message  # fetch it once online...
    assert "--model" in message and "folder" in message  # ...or point at a local folder...
    assert "leave --model out" in message and "tiny.en" in message  # ...or use the bundled one
    assert not list(offline_empty_cache.rglob("model.bin"))  # and nothing was fetched


def test_with_downloads_turned_off_an_uncached_model_is_refused_saying_what_to_do(
    offline_empty_cache: Path,
) -> None:
    with pytest.raises(ModelError, match="'small.en'") as info:
        resolve_model("small.en", allow_download=False)
    assert "--model" in str(info.value)


@pytest.mark.parametrize(("device", "cuda_devices", "expected"), [
    ("cpu", 0, "cpu"),
    ("cpu", 1, "cpu"),
    ("cuda", 0, "cuda"),
    ("auto", 0, "cpu"),
    ("auto", 2, "cuda"),
])
def test_pick_device_uses_a_gpu_only_when_asked_or_when_auto_finds_one(
    monkeypatch: pytest.MonkeyPatch, device: str, cuda_devices: int, expected: str
) -> None:
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: cuda_devices)
    assert pick_device(device) == expected


def test_auto_picks_the_cpu_on_this_machine_without_a_gpu() -> None:
    assert pick_device("auto") == "cpu"


@pytest.mark.parametrize("device", ["tpu", "CPU", "gpu", ""])
def test_an_unknown_device_is_a_model_error_listing_the_choices(device: str) -> None:
    with pytest.raises(ModelError, match="use auto, cpu or cuda"):
        pick_device(device)


def test_a_folder_with_a_corrupt_model_fails_to_load_with_advice_that_fits(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"this is not a CTranslate2 model\n")
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    source = resolve_model(str(tmp_path))
    with pytest.raises(ModelError) as info:
        load_model(source, device="cpu", compute_type="int8")
    message = str(info.value)
    assert message.startswith(f"could not load model {tmp_path}")
    # It already ran on the CPU with int8: suggesting exactly that again does not help.
    assert "try --device cpu --compute-type int8" not in message
