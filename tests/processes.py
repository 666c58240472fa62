"""Helpers for tests that run the CLI as a child process and interrupt it."""

from __future__ import annotations

import signal


def ctrl_c_as_in_a_terminal() -> None:
    """``preexec_fn`` for a child a test interrupts with SIGINT. A shell that starts the test run
    as a background job without job control (``.ci/run &``) hands it SIGINT *ignored*, children
    inherit that, and Python then never raises KeyboardInterrupt; a producer's terminal does not."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
