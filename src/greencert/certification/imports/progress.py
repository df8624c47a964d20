"""The import command's progress on standard error: a bar redrawn in place on a terminal, and
otherwise (a log, a pipe) a line every few seconds with the rate, so short imports print none."""

from __future__ import annotations

import time
from typing import TextIO

PHASES = {"check": "检查 checking", "import": "导入 importing"}
WIDTH = 24
LINE_EVERY = 5.0
REDRAW_EVERY = 0.1


class ProgressBar:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.phase = ""
        self.started = time.monotonic()
        self.shown = 0.0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if phase != self.phase:
            self.finish()
            self.phase, self.started, self.shown = phase, now, 0.0
        interval = REDRAW_EVERY if self.live else LINE_EVERY
        final = total is not None and done >= total
        if now - self.shown < interval and not (final and self.live):
            return
        if not self.live and now - self.started < LINE_EVERY:
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-6)
        if total:
            share = min(done / total, 1.0)
            bar = "█" * int(share * WIDTH) + "░" * (WIDTH - int(share * WIDTH))
            text = f"{PHASES[phase]} {bar} {done:,}/{total:,} {share:4.0%} · {rate:,.0f} rows/s"
        else:
            text = f"{PHASES[phase]} {done:,} · {rate:,.0f} rows/s"
        self.stream.write(("\r\x1b[2K" + text) if self.live else text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        """End the bar's line before other output follows."""
        if self.live and self.phase and self.shown:
            self.stream.write("\n")
            self.stream.flush()
        self.shown = 0.0
