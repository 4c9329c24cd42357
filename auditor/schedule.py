"""``auditor schedule``: audits on a cron schedule in one long-lived process (APScheduler's
cron trigger, Beijing time). Runs never overlap: the job waits for none and the store's lock
refuses a second audit; a failed audit is recorded as failed and the schedule goes on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from auditor.store import StoreBusy

TIMEZONE = "Asia/Shanghai"


def trigger(expression: str) -> CronTrigger:
    """The five-field cron expression as a trigger (ValueError when it is not one)."""
    if len(expression.split()) != 5:
        raise ValueError(f"expected five fields (minute hour day month weekday), got {expression!r}")
    return CronTrigger.from_crontab(expression, timezone=TIMEZONE)


def next_times(expression: str, count: int, after: dt.datetime) -> list[dt.datetime]:
    """The next ``count`` fire times after ``after`` (to show the user what they scheduled)."""
    cron, times, previous = trigger(expression), [], None
    now = after
    for _ in range(count):
        fire = cron.get_next_fire_time(previous, now)
        times.append(fire)
        previous, now = fire, fire + dt.timedelta(seconds=1)
    return times


def run_schedule(expression: str, job: Callable[[], object], *, run_now: bool, log: Callable[[str], None]) -> int:
    cron = trigger(expression)
    scheduler = BlockingScheduler(timezone=TIMEZONE)

    def guarded() -> None:
        try:
            job()
        except StoreBusy as exc:
            log(f"skipped: {exc}")
        except Exception as exc:  # noqa: BLE001 - one failed audit must not end the schedule
            log(f"audit failed (recorded in the store): {type(exc).__name__}: {exc}")

    scheduler.add_job(guarded, cron, max_instances=1, coalesce=True, misfire_grace_time=3600, id="audit")
    if run_now:
        scheduler.add_job(guarded, id="now")
    upcoming = next_times(expression, 3, dt.datetime.now(cron.timezone))
    log("scheduled; next audits: " + ", ".join(t.strftime("%Y-%m-%d %H:%M %Z") for t in upcoming))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0
