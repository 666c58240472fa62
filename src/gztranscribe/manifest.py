"""What a batch has done, shared safely by every batch that writes to one folder.

Two batches on one folder (two terminals, a cron job and a producer, disjoint ``--glob``s) must
neither lose each other's work nor do it twice:

- **The manifest is merged, never overwritten.** Each record re-reads the file under an exclusive
  lock (``flock`` on ``.gztranscribe-manifest.json.lock``), adds its entry and writes it back
  atomically, so every batch's finished files survive.
- **A file is claimed before it is transcribed.** A claim is a small file in
  ``.gztranscribe-claims/`` naming the claiming process (host and PID); another batch that meets it
  leaves the file to its owner and comes back to it at the end. A claim whose process is gone
  (killed, a power cut) is stale and taken over. Claims are taken and released under the same
  lock, so two batches can never both take one.

Entries are keyed by content hash and settings fingerprint (a renamed file is not redone), and
record every path that content was published under, each with its own outputs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .output import write_files

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locking; one batch per folder there
    fcntl = None  # type: ignore[assignment]

MANIFEST_NAME = ".gztranscribe-manifest.json"
CLAIMS_DIR = ".gztranscribe-claims"
VERSION = 2


class Manifest:
    """content hash -> settings fingerprint -> every source path and its outputs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self.claims = path.parent / CLAIMS_DIR
        self.data = self._read()
        self.held: set[str] = set()  # claims this process holds
        self._threads = threading.RLock()  # flock orders processes; this, a batch's job threads

    # --- reading and merging ------------------------------------------------------------------
    def _read(self) -> dict[str, Any]:
        empty: dict[str, Any] = {"version": VERSION, "files": {}, "hashes": {}}
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return empty  # missing or damaged: only costs redoing work, never a wrong skip
        if not isinstance(loaded, dict) or loaded.get("version") not in (1, VERSION):
            return empty
        if loaded["version"] == 1:  # one source per content: make it that source's entry
            loaded["files"] = {
                key: {"sources": {entry["source"]: _place(entry)}}
                for key, entry in loaded.get("files", {}).items()
                if isinstance(entry, dict) and "source" in entry
            }
            loaded["version"] = VERSION
        loaded.setdefault("files", {})
        loaded.setdefault("hashes", {})
        return loaded

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive access to the manifest and the claims, across processes."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._threads, open(self.lock_path, "a+b") as handle:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def refresh(self) -> None:
        """Re-read what other batches have recorded (our cached hashes are kept)."""
        with self.locked():
            self._merge_from_disk()

    def _merge_from_disk(self) -> None:
        fresh = self._read()
        fresh["hashes"].update(self.data["hashes"])
        self.data = fresh

    # --- content ------------------------------------------------------------------------------
    def content_hash(self, path: Path) -> str:
        """BLAKE2b of the bytes, cached by (path, size, mtime) so a rerun does not reread videos."""
        stat = path.stat()
        key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
        cached = self.data["hashes"].get(key)
        if cached:
            return str(cached)
        digest = hashlib.blake2b(digest_size=16)
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        value = digest.hexdigest()
        self.data["hashes"][key] = value
        return value

    def done_outputs(
        self, content: str, fingerprint: str, source: Path | None = None
    ) -> tuple[list[Path], Path] | None:
        """Existing outputs of this content and settings: ``source``'s own first, else a copy's.

        Returns ``(outputs, the source they were made for)``, or None when nothing usable is left.
        """
        entry = self.data["files"].get(f"{content}:{fingerprint}")
        if not entry:
            return None
        places = entry.get("sources", {})
        order = sorted(places, key=lambda name: name != str(source))  # our own path first
        for name in order:
            outputs = [Path(p) for p in places[name].get("outputs", [])]
            if outputs and all(p.is_file() for p in outputs):
                return outputs, Path(name)
        return None

    def all_outputs(self) -> set[Path]:
        """Every output any recorded source was published as (a folder's own files)."""
        return {
            Path(p)
            for entry in self.data["files"].values()
            for place in entry.get("sources", {}).values()
            for p in place.get("outputs", [])
        }

    def record(self, content: str, fingerprint: str, source: Path, outputs: list[Path]) -> None:
        """Add ``source``'s outputs, merged into what is on disk now (other batches' included)."""
        with self.locked():
            self._merge_from_disk()
            entry = self.data["files"].setdefault(f"{content}:{fingerprint}", {"sources": {}})
            entry.setdefault("sources", {})[str(source)] = _place(
                {"outputs": [str(p) for p in outputs]}
            )
            self.data.get("failed", {}).pop(f"{content}:{fingerprint}", None)
            self._write()

    def failure(self, content: str, fingerprint: str) -> dict[str, Any] | None:
        """How these bytes failed with these settings in an earlier run, if they did."""
        entry = self.data.get("failed", {}).get(f"{content}:{fingerprint}")
        return entry if isinstance(entry, dict) else None

    def record_failure(self, content: str, fingerprint: str, result: Any) -> None:
        """Remember a file's failure (an ``ItemResult``), keeping when it first failed."""
        key = f"{content}:{fingerprint}"
        with self.locked():
            self._merge_from_disk()
            failed = self.data.setdefault("failed", {})
            since = (failed.get(key) or {}).get("since") or time.strftime("%Y-%m-%dT%H:%M:%S")
            failed[key] = {"source": str(result.source), "reason": result.reason,
                           "exit_code": int(result.exit_code), "since": since}  # fmt: skip
            self._write()

    def save(self) -> None:
        with self.locked():
            self._merge_from_disk()
            self._write()

    def _write(self) -> None:
        text = json.dumps(self.data, indent=1, sort_keys=True) + "\n"
        write_files({self.path: text}, backup=False)

    # --- claims -------------------------------------------------------------------------------
    def claim(self, content: str, fingerprint: str) -> str | None:
        """Claim this content for this process; None when done, else who holds it ("pid 123").

        Returns "" when the claim is ours now. A claim of a process that no longer runs on this
        host is taken over.
        """
        key = f"{content}-{fingerprint}"
        path = self.claims / f"{key}.claim"
        with self.locked():
            holder = _holder(path)
            if holder is not None and not _alive(holder) and holder != _me():
                holder = None  # stale: its batch was killed
            if holder is not None and holder != _me():
                return f"pid {holder.get('pid')} on {holder.get('host')}"
            if holder == _me() and key in self.held:
                return f"pid {os.getpid()} (this batch, another copy of the same content)"
            self.claims.mkdir(parents=True, exist_ok=True)
            write_files({path: json.dumps({**_me(), "since": time.time()}) + "\n"})
            self.held.add(key)
        return ""

    def held_elsewhere(self, content: str, fingerprint: str) -> bool:
        """Another live process holds this content's claim (checked without taking it)."""
        holder = _holder(self.claims / f"{content}-{fingerprint}.claim")
        return holder is not None and holder != _me() and _alive(holder)

    def release(self, content: str, fingerprint: str) -> None:
        key = f"{content}-{fingerprint}"
        if key not in self.held:
            return
        with self.locked():
            with contextlib.suppress(OSError):
                os.unlink(self.claims / f"{key}.claim")
            self.held.discard(key)

    def release_all(self) -> None:
        for key in list(self.held):
            content, _, fingerprint = key.partition("-")
            self.release(content, fingerprint)


def _place(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "outputs": list(entry.get("outputs", [])),
        "finished": entry.get("finished") or time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def _me() -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname()}


def _holder(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return {"pid": data.get("pid"), "host": data.get("host")}


def _alive(holder: dict[str, Any]) -> bool:
    """Is the claiming process still running? A claim from another host is assumed live."""
    if holder.get("host") != socket.gethostname():
        return True
    pid = holder.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True
