"""showrunner's Snakemake logger plugin: the usual terminal output plus time left, and the run history.

Enabled in profiles/default (`logger: [showrunner]`), or by hand: `snakemake --logger showrunner`.
It writes Snakemake's own lines to the terminal exactly as Snakemake's default handler does and
adds a "time left" line after each progress line, estimated from earlier runs; every run and job
goes into .showrunner/runs.sqlite (showrunner.run_history). The logic is in
showrunner.run_recorder; this module only connects it to Snakemake's plugin interface.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.common import LogEvent

from showrunner.run_history import format_seconds
from showrunner.run_recorder import Recorder


class LogHandler(LogHandlerBase):
    def __post_init__(self) -> None:
        from snakemake.logging import ColorizingTextHandler, DefaultFilter, DefaultFormatter

        s = self.common_settings
        self.display = ColorizingTextHandler(nocolor=s.nocolor, stream=sys.stdout if s.stdout else sys.stderr)
        self.display.addFilter(DefaultFilter(s.quiet, s.debug_dag, s.verbose, s.dryrun, s.printshellcmds))
        self.display.setFormatter(DefaultFormatter(s.quiet, s.show_failed_logs))
        self.recorder = None if s.dryrun else Recorder(Path.cwd())

    def emit(self, record: logging.LogRecord) -> None:
        self.display.handle(record)
        if self.recorder is None:
            return
        self.recorder.handle(record)
        if getattr(record, "event", None) == LogEvent.PROGRESS and self.display.filter(record):
            eta = self.recorder.eta_s
            if eta is not None and record.done < record.total:
                self.display.stream.write(f"time left: about {format_seconds(eta)} (from earlier runs)\n")
                self.display.flush()

    def close(self) -> None:
        if self.recorder is not None:
            self.recorder.close()
        self.display.close()
        super().close()

    @property
    def writes_to_stream(self) -> bool:
        return True

    @property
    def writes_to_file(self) -> bool:
        return False

    @property
    def has_filter(self) -> bool:
        return True  # the display filters; the history sees every event

    @property
    def has_formatter(self) -> bool:
        return True

    @property
    def needs_rulegraph(self) -> bool:
        return False
