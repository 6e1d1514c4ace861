"""Progress inside a long stage (voice 3/12 segments, encode 40%), for the terminal and the studio.

    from showrunner.progress import Progress
    progress = Progress(job, total=len(scene.segments), unit="segments")
    for segment in scene.segments:
        ...
        progress.step()

Each step is an event in the run history (`showrunner.run_history`), which the studio streams.
Reporting never fails a stage: if the history cannot be written, the stage goes on.
"""

from __future__ import annotations

import logging
import os
import time

from showrunner import run_history
from showrunner.stage_job import StageJob

log = logging.getLogger(__name__)
MIN_INTERVAL_S = 0.25  # at most four events a second per stage, plus the last one


class Progress:
    def __init__(self, job: StageJob, total: int, unit: str):
        self.job, self.total, self.unit = job, max(0, int(total)), unit
        self.done = 0
        self._last = 0.0
        self._started = time.monotonic()
        run = os.environ.get(run_history.RUN_ID_ENV, "")
        self.run_id = int(run) if run.isdigit() else None

    def step(self, n: int = 1) -> None:
        self.update(self.done + n)

    def update(self, done: int) -> None:
        self.done = min(int(done), self.total) if self.total else int(done)
        now = time.monotonic()
        if self.done < self.total and now - self._last < MIN_INTERVAL_S:
            return
        self._last = now
        percent = round(100 * self.done / self.total) if self.total else None
        if self.total and self.done >= self.total:
            eta: float | None = 0.0
        elif self.done > 0:  # this stage's own pace so far
            eta = round((now - self._started) / self.done * (self.total - self.done), 1)
        else:
            eta = None
        data = {"done": self.done, "total": self.total, "unit": self.unit, "percent": percent, "eta_s": eta}
        try:
            with run_history.connect(self.job.root) as conn:
                run_history.add_event(conn, "progress", run_id=self.run_id, slug=self.job.wildcards.get("slug"),
                                      rule=self.job.stage, scene=self.job.wildcards.get("scene"), data=data)
        except Exception as err:  # progress is a courtesy: never fail the stage over it
            log.warning("progress not recorded: %s", err)
