"""Independent evaluation of the rectification effect of a closed major hazard (整改效果评估, seed 000 lines 576-580:
引入第三方评估机构，对已完成整改的重大隐患开展独立评估…评估周期不少于三个月): due when a 重大 / 特别重大 case is closed,
done by a third-party evaluation body of a small register and / or named experts of the pool, with the visits of the
observation period, four scored dimensions and a conclusion."""
from ..extensions import db
from .types import UTCDateTime

# The observation period: a conclusion is accepted from the same day this many calendar months after the closing day
# (Shanghai), and the evaluation is overdue the day after OVERDUE_GRACE_DAYS more.
OBSERVATION_MONTHS = 3
OVERDUE_GRACE_DAYS = 30
LOWEST_SCORE, HIGHEST_SCORE = 0, 100

# code: (中文, English), in the order the form, the page and the report show them
EFFECT_DIMENSIONS = {
    "quality_score": ("整改质量", "Rectification quality"),
    "equipment_score": ("设备设施更换情况", "Replacement of equipment and facilities"),
    "system_score": ("制度完善程度", "Completeness of rules and procedures"),
    "risk_control_score": ("风险控制有效性", "Effectiveness of risk control"),
}
EFFECT_CONCLUSIONS = {
    "effective": ("有效", "Effective"),
    "basically_effective": ("基本有效", "Basically effective"),
    "ineffective": ("无效", "Ineffective"),
}
EFFECT_STATES = {
    "observing": ("观察期", "In observation"),
    "due": ("待出具结论", "Conclusion due"),
    "overdue": ("逾期未评估", "Overdue"),
    "concluded": ("已完成评估", "Concluded"),
}


class EvaluationBody(db.Model):
    """第三方评估机构: the register the bureau and the project leads keep (never deleted: an evaluation keeps the
    body it names; an inactive one is not offered for new commissions)."""
    __tablename__ = "evaluation_body"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False, unique=True)
    qualification = db.Column(db.String(200), nullable=False, default="")  # 资质, e.g. 安全评价机构资质证书编号
    contact_person = db.Column(db.String(64), nullable=False, default="")
    phone = db.Column(db.String(32), nullable=False, default="")
    active = db.Column(db.Boolean, nullable=False, default=True, server_default="1")
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)


effect_evaluation_expert = db.Table(
    "effect_evaluation_expert",
    db.Column("evaluation_id", db.Integer, db.ForeignKey("effect_evaluation.id"), primary_key=True),
    db.Column("expert_id", db.Integer, db.ForeignKey("expert.id"), primary_key=True, index=True),
)


class EffectEvaluation(db.Model):
    """One per closed major case. Kept beside the case (and the major-hazard record), like the re-inspections."""
    __tablename__ = "effect_evaluation"
    __table_args__ = (
        db.CheckConstraint(" AND ".join(f"({name} IS NULL OR {name} BETWEEN {LOWEST_SCORE} AND {HIGHEST_SCORE})"
                                        for name in EFFECT_DIMENSIONS), name="scores_in_range"),
        db.CheckConstraint("conclusion IS NULL OR conclusion IN ('effective', 'basically_effective', 'ineffective')",
                           name="known_conclusion"),
    )
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, unique=True)
    opened_at = db.Column(UTCDateTime, nullable=False)
    closed_on = db.Column(db.Date, nullable=False)  # the case's closing day (Shanghai)
    earliest_on = db.Column(db.Date, nullable=False, index=True)  # closed_on + OBSERVATION_MONTHS
    latest_on = db.Column(db.Date, nullable=False, index=True)  # earliest_on + OVERDUE_GRACE_DAYS: overdue after
    body_id = db.Column(db.Integer, db.ForeignKey("evaluation_body.id"))
    commissioned_at = db.Column(UTCDateTime)  # None: no evaluator named yet
    commissioned_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    commission_note = db.Column(db.Text, nullable=False, default="")  # internal: not shown to the enterprise
    quality_score = db.Column(db.Integer)
    equipment_score = db.Column(db.Integer)
    system_score = db.Column(db.Integer)
    risk_control_score = db.Column(db.Integer)
    conclusion = db.Column(db.String(24))  # a key of EFFECT_CONCLUSIONS; None: not concluded
    summary = db.Column(db.Text, nullable=False, default="")  # 评估意见: shown to the enterprise
    internal_note = db.Column(db.Text, nullable=False, default="")  # 内部意见: staff and evaluators only
    # What the evaluation found, kept as it stood at the conclusion (before it: computed from the cases and ratings)
    recurrence_case_ids = db.Column(db.JSON)
    satisfaction = db.Column(db.JSON)  # {"ratings": n, "average": x or None}
    concluded_at = db.Column(UTCDateTime)
    concluded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    overdue_notified_at = db.Column(UTCDateTime)  # the bureau told once

    case = db.relationship("HazardCase")
    body = db.relationship("EvaluationBody")
    experts = db.relationship("Expert", secondary=effect_evaluation_expert, order_by="Expert.name")
    commissioned_by = db.relationship("User", foreign_keys=[commissioned_by_id])
    concluded_by = db.relationship("User", foreign_keys=[concluded_by_id])
    visits = db.relationship("EffectEvaluationVisit", order_by="(EffectEvaluationVisit.visited_on, "
                             "EffectEvaluationVisit.id)", viewonly=True)
    files = db.relationship("Attachment", order_by="Attachment.id", viewonly=True)

    @property
    def scores(self):
        return {name: getattr(self, name) for name in EFFECT_DIMENSIONS}

    @property
    def is_commissioned(self):
        return self.commissioned_at is not None


class EffectEvaluationVisit(db.Model):
    """A visit of the evaluator during the observation period: when, and what was found."""
    __tablename__ = "effect_evaluation_visit"
    id = db.Column(db.Integer, primary_key=True)
    evaluation_id = db.Column(db.Integer, db.ForeignKey("effect_evaluation.id"), nullable=False, index=True)
    visited_on = db.Column(db.Date, nullable=False)
    findings = db.Column(db.Text, nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    recorded_at = db.Column(UTCDateTime, nullable=False)

    recorded_by = db.relationship("User")
