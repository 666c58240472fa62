"""The review server under hostile or heavy requests: a 4xx with a message, never a 500.

The episode here is a scripted transcript beside a real audio file (no model is loaded): these
tests are about HTTP, not about transcription.
"""

from __future__ import annotations

import http.client
import json
import shutil
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import MEDIA

from gztranscribe.formats import jsonfile
from gztranscribe.review import ReviewServer, open_review
from gztranscribe.settings import resolve_settings
from gztranscribe.types import Segment, Transcript, Word

TIMEOUT = 15.0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ReviewServer]:
    media = tmp_path / "episode.wav"
    shutil.copyfile(MEDIA / "speech.wav", media)
    words = (Word(0.5, 0.9, "Hello"), Word(1.0, 1.4, "there."))
    transcript = Transcript(
        segments=(Segment(0.5, 1.4, "Hello there.", words),), duration=4.0, source=media.name
    )
    (tmp_path / "episode.json").write_text(json.dumps(jsonfile.to_dict(transcript)))
    instance = ReviewServer(open_review(media, resolve_settings(media)))
    yield instance
    instance.server_close()


@pytest.fixture
def serving(server: ReviewServer) -> Iterator[ReviewServer]:
    thread = server.start_background()
    yield server
    server.shutdown()
    thread.join(timeout=5)


def request(
    server: ReviewServer, method: str, path: str, body: bytes | None = None, **headers: str
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    sent = {"Host": f"127.0.0.1:{server.port}", **headers}
    if body is not None:
        sent["Content-Type"] = "application/json"
    try:
        connection.request(method, f"{path}?token={server.token}", body=body, headers=sent)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("route", ["/api/save", "/api/glossary"])
@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_json_nested_100k_deep_is_a_400_with_a_message(
    serving: ReviewServer, route: str, opener: str
) -> None:
    closer = "]" if opener == "[" else "}"
    body = (opener * 100_000 + "1" + closer * 100_000).encode()
    status, data = request(serving, "POST", route, body)
    assert status == 400
    assert json.loads(data) == {"error": "the request body is nested too deeply"}


@pytest.mark.parametrize(
    ("range_header", "status"),
    [
        ("bytes=" + "9" * 5000 + "-", 416),  # starts past the end
        ("bytes=" + "9" * 5000 + "-" + "9" * 5000, 416),
        ("bytes=0-" + "9" * 5000, 206),  # an end past the file means "to the end" (RFC 9110)
        ("bytes=-" + "9" * 5000, 206),  # the last 10^5000 bytes: the whole file
        ("bytes=" + "0" * 5000 + "1-", 206),  # leading zeros are still a small number
    ],
)
def test_a_range_of_thousands_of_digits_is_answered_not_a_500(
    serving: ReviewServer, range_header: str, status: int
) -> None:
    size = (Path(serving.session.files.media)).stat().st_size
    got, data = request(serving, "GET", "/media", Range=range_header)
    assert got == status
    if status == 206:
        assert len(data) in (size, size - 1)


def test_two_hundred_clients_connect_at_once_while_the_server_is_busy(
    server: ReviewServer,
) -> None:
    """Connections complete in the kernel's queue even before the server accepts them; with a
    backlog of 5 the 7th waits for a SYN retry (1 s, then 2 s...)."""
    clients = []
    try:
        for _ in range(200):
            clients.append(socket.create_connection(("127.0.0.1", server.port), timeout=0.5))
        thread = server.start_background()

        def answer(client: socket.socket) -> bytes:
            client.settimeout(TIMEOUT)
            client.sendall(
                f"GET /api/episode?token={server.token} HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{server.port}\r\nConnection: close\r\n\r\n".encode()
            )
            return client.recv(12)

        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(answer, clients))
        assert answers == [b"HTTP/1.1 200"] * 200
        server.shutdown()
        thread.join(timeout=5)
    finally:
        for client in clients:
            client.close()
