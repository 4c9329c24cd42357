"""Progress lines: rewritten in place on a terminal, plain lines otherwise, nothing with -q."""

from __future__ import annotations

import io

from auditor.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_rewrites_one_line():
    out = Terminal()
    progress = Progress(out)
    progress.update("10 pages")
    progress.update("20 pages")
    progress.done("done")
    assert out.getvalue() == "\r\033[K10 pages\r\033[K20 pages\r\033[Kdone\n"


def test_plain_stream_gets_log_lines_at_an_interval():
    out = io.StringIO()
    progress = Progress(out, interval=3600)
    progress.update("10 pages")
    progress.update("20 pages")  # within the interval: not repeated
    progress.done("done")
    assert out.getvalue() == "10 pages\ndone\n"


def test_quiet():
    out = Terminal()
    progress = Progress(out, quiet=True)
    progress.update("x")
    progress.done("y")
    assert out.getvalue() == ""
