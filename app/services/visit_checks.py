"""The pre-submission check list of a visit's report (结构化校验, seed 000: 每份隐患排查报告提交前…进行结构化校验，自动
识别逻辑错误、内容缺失或格式异常问题，并生成系统提示清单供修改参考), worked out by the server whenever it is shown.

Blocking items (the team can put them right, and must before submitting — services/visit_review.submit):
- checklist_unfinished: an item of the visit's checklist has no result;
- nonconform_without_case: a nonconforming item with no hazard registered from it;
- findings_missing: nonconforming items or hazards, but no 发现问题及整改建议 written;
- inspectors_missing: no inspector's name on the report (who signs it).
Warnings (facts of the day that cannot be redone afterwards; shown to the team and to each reviewer, who judge them):
- hazard_no_photo / hazard_no_position: a hazard registered from the visit without a photo, or with neither its own
  GPS position nor a photo that has one;
- no_check_in, no_check_out, short_stay: nobody checked in; a member checked in but not out; the longest stay under
  4 hours (visit_checkins.MIN_MINUTES_ON_SITE) — for the kinds in FOUR_HOUR_KINDS only: a night check (夜查) and an
  unannounced one (四不两直) are short by design;
- inspectors_unmatched: a name on the report that is no user with a recording role (cannot check in or be traced);
- enterprise_contact_missing: the register names no contact person for the enterprise (企业负责人, who confirms);
- patrol_cards_missing: a tagged key part with no patrol card at the visit (services/patrol_cards.py: 每次排查均须填写
  电子巡检卡; a warning, the least disruptive enforcement — the reviewers judge a part out of reach that day)."""
from dataclasses import dataclass, field

from ..models import Attachment, User, UserRole
from . import checklist_results, inspections, visit_checkins
from . import patrol_cards

BLOCKING, WARNING = "blocking", "warning"
LEVELS = {
    "checklist_unfinished": BLOCKING, "nonconform_without_case": BLOCKING, "findings_missing": BLOCKING,
    "inspectors_missing": BLOCKING,
    "hazard_no_photo": WARNING, "hazard_no_position": WARNING, "no_check_in": WARNING, "no_check_out": WARNING,
    "short_stay": WARNING, "inspectors_unmatched": WARNING, "enterprise_contact_missing": WARNING,
    "patrol_cards_missing": WARNING,
}
FOUR_HOUR_KINDS = ("routine", "special", "joint")
MESSAGES = {
    "checklist_unfinished": "检查表未完成：以下检查项没有结果 / checklist not finished: these items have no result",
    "nonconform_without_case": "不符合项未登记隐患 / nonconforming items with no hazard registered from them",
    "findings_missing": "有不符合项或隐患，但未填写发现问题及整改建议 / problems were found but the findings and "
                        "suggestions are empty",
    "inspectors_missing": "报告未写明排查人员 / the report names no inspector",
    "hazard_no_photo": "隐患没有现场照片 / hazards without a photo",
    "hazard_no_position": "隐患没有定位（登记位置和照片位置均无） / hazards without a position (neither the "
                          "registration nor a photo has one)",
    "no_check_in": "无人到场打卡 / nobody checked in",
    "no_check_out": "未离场打卡 / checked in but not out",
    "short_stay": "在场时间不足 4 小时 / on site under 4 hours",
    "inspectors_unmatched": "排查人员姓名与系统用户不符（无法打卡、无法追溯） / inspector names that match no user",
    "enterprise_contact_missing": "企业名录中没有联系人（企业负责人签字确认） / the register names no contact person "
                                  "for the enterprise",
    "patrol_cards_missing": "重点部位未填写电子巡检卡 / tagged key parts without a patrol card at this visit",
}


@dataclass
class Check:
    code: str
    subjects: list = field(default_factory=list)  # item codes, case codes or names the item is about

    @property
    def level(self):
        return LEVELS[self.code]

    @property
    def blocking(self):
        return self.level == BLOCKING

    @property
    def message(self):
        return MESSAGES[self.code]

    def as_json(self):
        return {"code": self.code, "level": self.level, "subjects": list(self.subjects)}


def for_visit(session, visit):
    """The visit's check list, blocking items first, each in LEVELS' order."""
    found = []
    sheet = checklist_results.visit_checklist(session, visit)
    rows = sheet.rows
    unfinished = [row.item.code for row in rows if row.result is None]
    if unfinished:
        found.append(Check("checklist_unfinished", unfinished))
    nonconform = [row for row in rows if row.result is not None and row.result.result == "nonconform"]
    orphans = [row.item.code for row in nonconform if row.result.case_id is None]
    if orphans:
        found.append(Check("nonconform_without_case", orphans))
    cases = inspections.hazards_of_visit(session, visit)
    if (nonconform or cases) and not (visit.findings or "").strip():
        found.append(Check("findings_missing"))
    names = sorted(visit_checkins.team_names(visit))
    if not names:
        found.append(Check("inspectors_missing"))
    found += _hazard_checks(session, cases)
    found += _checkin_checks(session, visit)
    unmatched = _unmatched(session, names)
    if unmatched:
        found.append(Check("inspectors_unmatched", unmatched))
    if not (visit.enterprise.contact_person or "").strip():
        found.append(Check("enterprise_contact_missing", [visit.enterprise.name]))
    unpatrolled = [part.name for part in patrol_cards.missing_at_visit(session, visit)]
    if unpatrolled:
        found.append(Check("patrol_cards_missing", unpatrolled))
    order = list(LEVELS)
    return sorted(found, key=lambda c: (not c.blocking, order.index(c.code)))


def blocking(checks):
    return [c for c in checks if c.blocking]


def _hazard_checks(session, cases):
    if not cases:
        return []
    photos = {}
    for case_id, latitude in session.query(Attachment.case_id, Attachment.latitude) \
            .filter(Attachment.case_id.in_([c.id for c in cases]), Attachment.content_type.like("image/%")):
        photos.setdefault(case_id, []).append(latitude is not None)
    no_photo = [c.code for c in cases if c.id not in photos]
    no_position = [c.code for c in cases if c.latitude is None and not any(photos.get(c.id, []))]
    return ([Check("hazard_no_photo", no_photo)] if no_photo else []) + \
        ([Check("hazard_no_position", no_position)] if no_position else [])


def _checkin_checks(session, visit):
    views = visit_checkins.for_visit(session, visit)
    if not views:
        return [Check("no_check_in")]
    found = []
    open_ = [v.row.user.display_name for v in views if v.row.departed_at is None]
    if open_:
        found.append(Check("no_check_out", open_))
    stays = [v.row.minutes_on_site for v in views if v.row.minutes_on_site is not None]
    if visit.kind in FOUR_HOUR_KINDS and stays and max(stays) < visit_checkins.MIN_MINUTES_ON_SITE:
        found.append(Check("short_stay", [f"{max(stays) // 60}h{max(stays) % 60:02d}m"]))
    return found


def _unmatched(session, names):
    if not names:
        return []
    known = {name for (name,) in session.query(User.display_name).join(UserRole)
             .filter(User.display_name.in_(names), UserRole.role.in_(inspections.RECORDERS), User.active.is_(True))}
    return [name for name in names if name not in known]
