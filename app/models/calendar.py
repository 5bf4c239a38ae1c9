from ..extensions import db


class CalendarDay(db.Model):
    """Admin override of one day: a holiday, or a make-up working day (调休)."""

    __tablename__ = "calendar_day"
    day = db.Column(db.Date, primary_key=True)
    is_workday = db.Column(db.Boolean, nullable=False)
    note = db.Column(db.String(100), nullable=False, default="")


class CalendarRevision(db.Model):
    """One row whose counter database triggers raise on every write to calendar_day or calendar_year, so each
    process can keep its working calendar in memory and reload it only when the counter moved, whoever wrote
    (the admin pages, the CLI, or SQL by hand)."""

    __tablename__ = "calendar_revision"
    id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    revision = db.Column(db.BigInteger, nullable=False, default=0)
