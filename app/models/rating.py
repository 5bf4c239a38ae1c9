"""An enterprise's rating of an inspection visit (满意度评价): after each visit the visited enterprise's staff score
the inspection team's service 1–5 on four dimensions, with a comment, openly or anonymously (the tender: 系统支持
匿名评分，保证评价真实有效). The ratings are the basis of the contractor's improvement, and a low one is a complaint
for the quality supervision desk (服务质量监督岗)."""
from ..extensions import db
from .types import UTCDateTime

# code: (中文, English), in the order the form and the report show them
RATING_DIMENSIONS = {
    "service_quality": ("服务质量", "Service quality"),
    "professional_level": ("专业水平", "Professional level"),
    "communication": ("沟通效率", "Communication"),
    "response_speed": ("响应速度", "Response speed"),
}
LOWEST_SCORE, HIGHEST_SCORE = 1, 5


class VisitRating(db.Model):
    __tablename__ = "visit_rating"
    __table_args__ = (
        # One rating per visit per enterprise user: two submissions at once cannot both be recorded.
        db.UniqueConstraint("visit_id", "rater_id"),
        db.CheckConstraint(" AND ".join(f"{name} BETWEEN {LOWEST_SCORE} AND {HIGHEST_SCORE}"
                                        for name in RATING_DIMENSIONS), name="scores_in_range"),
    )
    id = db.Column(db.Integer, primary_key=True)
    visit_id = db.Column(db.Integer, db.ForeignKey("inspection_visit.id"), nullable=False)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    service_quality = db.Column(db.Integer, nullable=False)  # 服务质量
    professional_level = db.Column(db.Integer, nullable=False)  # 专业水平
    communication = db.Column(db.Integer, nullable=False)  # 沟通效率
    response_speed = db.Column(db.Integer, nullable=False)  # 整改响应速度
    comment = db.Column(db.Text, nullable=False, default="")
    anonymous = db.Column(db.Boolean, nullable=False, default=False)
    # Who rated is kept only so that each of the enterprise's staff rates a visit once (the unique constraint) and
    # sees their own rating. It is never shown, exported or audited for an anonymous rating: everything read by
    # others goes through `shown_rater`.
    rater_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)

    visit = db.relationship("InspectionVisit")
    rater = db.relationship("User")

    @property
    def scores(self):
        """{dimension: score} in the order of RATING_DIMENSIONS."""
        return {name: getattr(self, name) for name in RATING_DIMENSIONS}

    @property
    def overall(self):
        """The mean of the four scores, to one decimal."""
        return round(sum(self.scores.values()) / len(RATING_DIMENSIONS), 1)

    @property
    def shown_rater(self):
        """The rater as pages, files and the API may show them: None for an anonymous rating."""
        return None if self.anonymous else self.rater
