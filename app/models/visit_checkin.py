"""An inspector's arrival at and departure from a visited enterprise (到场打卡 / 离场打卡; the tender: 位置打卡系统,
定位打卡…实现排查过程可视化留痕, 每次排查时间不少于 4 小时). One row per inspector per visit: each member of the team
checks in for themselves. The times are the server's clock, never the device's; the position is what the browser's
Geolocation API gave (none when the user refused it). The distance from the enterprise and the time on site are
worked out when each stamp is taken and kept with it, so the record says what was known then
(services/visit_checkins.py)."""
from ..extensions import db
from .types import UTCDateTime


class VisitCheckin(db.Model):
    __tablename__ = "visit_checkin"
    # One check-in per inspector per visit: two taps at once cannot both be recorded.
    __table_args__ = (db.UniqueConstraint("visit_id", "user_id"),)
    id = db.Column(db.Integer, primary_key=True)
    visit_id = db.Column(db.Integer, db.ForeignKey("inspection_visit.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False, index=True)
    arrived_at = db.Column(UTCDateTime, nullable=False, index=True)
    arrival_latitude = db.Column(db.Float)  # None: the device gave no position (refused, no fix)
    arrival_longitude = db.Column(db.Float)
    arrival_accuracy_m = db.Column(db.Float)  # the Geolocation API's accuracy radius, as the device reported it
    arrival_distance_m = db.Column(db.Float)  # from the enterprise's position; None: either position unknown
    # what that position was at the time: "enterprise" (its own coordinates) or "cases" (the median of its cases'
    # positions, while it had none); None: no distance was worked out
    arrival_site_source = db.Column(db.String(16))
    departed_at = db.Column(UTCDateTime)
    departure_latitude = db.Column(db.Float)
    departure_longitude = db.Column(db.Float)
    departure_accuracy_m = db.Column(db.Float)
    departure_distance_m = db.Column(db.Float)
    departure_site_source = db.Column(db.String(16))
    minutes_on_site = db.Column(db.Integer)  # from arrival to departure, set at check-out

    visit = db.relationship("InspectionVisit")
    user = db.relationship("User")
