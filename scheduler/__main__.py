import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler

from app import create_app
from scheduler.jobs import job_table

START_STAGGER = timedelta(seconds=2)  # between the jobs' first runs, so they do not all open a transaction at once
START_SPREAD = timedelta(seconds=20)  # every first run within this, however many jobs: less stagger for more jobs


def build_scheduler(app, now=None):
    """The scheduler with every job of the table added, not started. Each job runs first right after the start
    (staggered by a few seconds), not one interval later: an interval job's first run would otherwise wait its
    whole interval, so the hourly reports would never be delivered by a scheduler restarted more often than
    hourly, and a restart would leave due timers waiting another sweep interval."""
    zone = ZoneInfo(app.config["TIMEZONE"])
    scheduler = BlockingScheduler(timezone=zone)
    now = now or datetime.now(zone)

    def in_app(func):
        def run():
            with app.app_context():
                return func()
        return run

    table = job_table(app.config)
    whole_ms = START_SPREAD // timedelta(milliseconds=1) // max(1, len(table) - 1)
    stagger = min(START_STAGGER, timedelta(milliseconds=whole_ms))  # whole milliseconds: the last within the spread
    for n, job in enumerate(table):
        scheduler.add_job(in_app(job["func"]), job["trigger"], id=job["id"], seconds=job["seconds"],
                          max_instances=1, coalesce=True, replace_existing=True,
                          next_run_time=now + n * stagger)
    return scheduler


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("spiff").setLevel(logging.WARNING)  # the engine logs every task state change at INFO
    app = create_app()
    scheduler = build_scheduler(app)
    logging.getLogger("scheduler").info("scheduler started: %s", [j.id for j in scheduler.get_jobs()])
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
