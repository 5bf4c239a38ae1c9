from ..extensions import db


class CalendarDay(db.Model):
    """Admin override of one day: a holiday, or a make-up working day (调休)."""

    __tablename__ = "calendar_day"
    day = db.Column(db.Date, primary_key=True)
    is_workday = db.Column(db.Boolean, nullable=False)
    note = db.Column(db.String(100), nullable=False, default="")
