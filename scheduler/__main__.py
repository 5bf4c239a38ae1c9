import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler

from app import create_app
from scheduler.jobs import job_table

START_STAGGER = timedelta(seconds=1.5)  # between the jobs' first runs, so they do not all open a transaction at once


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

    for n, job in enumerate(job_table(app.config)):
        scheduler.add_job(in_app(job["func"]), job["trigger"], id=job["id"], seconds=job["seconds"],
                          max_instances=1, coalesce=True, replace_existing=True,
                          next_run_time=now + n * START_STAGGER)
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
