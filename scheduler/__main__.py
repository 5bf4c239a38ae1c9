import logging

from apscheduler.schedulers.blocking import BlockingScheduler

from app import create_app
from scheduler.jobs import job_table


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("spiff").setLevel(logging.WARNING)  # the engine logs every task state change at INFO
    app = create_app()
    scheduler = BlockingScheduler(timezone=app.config["TIMEZONE"])

    def in_app(func):
        def run():
            with app.app_context():
                return func()
        return run

    for job in job_table(app.config):
        scheduler.add_job(in_app(job["func"]), job["trigger"], id=job["id"], seconds=job["seconds"],
                          max_instances=1, coalesce=True, replace_existing=True)
    logging.getLogger("scheduler").info("scheduler started: %s", [j["id"] for j in job_table(app.config)])
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
