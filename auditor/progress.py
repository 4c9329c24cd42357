"""Progress lines for long stages: one rewritten line on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False, interval: float = 5.0):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = self.stream.isatty()
        self.interval = interval
        self._last = float("-inf")

    def update(self, message: str) -> None:
        if self.quiet:
            return
        if self.tty:
            self.stream.write("\r\033[K" + message)
            self.stream.flush()
        elif time.monotonic() - self._last >= self.interval:
            self._last = time.monotonic()
            self.stream.write(message + "\n")
            self.stream.flush()

    def done(self, message: str) -> None:
        if self.quiet:
            return
        self.stream.write(("\r\033[K" if self.tty else "") + message + "\n")
        self.stream.flush()
