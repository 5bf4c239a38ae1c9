"""Staff scorecards (绩效考核, services/performance.py): the month's ranking (`/performance?month=2026-11`, CSV), one
member's scorecard with the lists behind each figure (`/performance/<user id>`) and its PDF. A wrong month comes back
with the message next to the field (400). Field staff open their own scorecard from the navigation (我的绩效)."""
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import ValidationFailed
from ..extensions import db
from ..models import ROLES, SUPERVISION_KINDS, SUPERVISION_MEASURES, SUPERVISION_RESULTS
from ..services import complaints, performance, supervision_commitments
from ..services.meeting_commitments import STATES
from ..services.performance_signals import FIELD_ROLES
from . import performance_pdf
from .downloads import csv_download
from .forms_render import bilingual
from .names import N_, label
from .visit_checkins import checkin_flag

bp = Blueprint("performance", __name__, url_prefix="/performance")

PART_NAMES = {"workload": N_("工作量"), "accuracy": N_("报告合格率"), "timeliness": N_("复核及时率（整改闭环）"),
              "satisfaction": N_("客户满意度"), "discipline": N_("执行规范（打卡合规）")}
QUALITY_KEYS = ("accuracy", "timeliness", "satisfaction")
PART_HOW = {
    "workload": N_("本月排查走访次数 + 完成复核验收次数，达到月度工作量标准即得满分，不足按比例计分。"),
    "accuracy": N_("本月登记的隐患中，等级未经复核定级或重新定级改变、质量抽查未发现问题的 ÷ 本月登记的隐患（与项目绩效指标的隐患识别准确率口径相同）。"),
    "timeliness": N_("本月完成的复核验收中，在复核期限内完成的 ÷ 本月完成的复核验收。"),
    "satisfaction": N_("本人登记的本月排查所收到的企业满意度评价平均分（1–5 分），每分折合 20 分。"),
    "discipline": N_("本月参加的排查中，本人到场、离场打卡均无异常（距离、定位、时长、未离场、未打卡）的 ÷ 本月参加的排查。"),
}
DEDUCTION_NAMES = {"failed_check": N_("督查不合格"), "criticism": N_("通报批评"), "complaint": N_("属实投诉"),
                   "incident": N_("质量事故追责")}


def _may_open():
    return current_user.is_authenticated and performance.may_open(current_user)


bp.add_app_template_global(_may_open, "may_open_performance")


@bp.app_template_global()
def may_read_performance_ranking():
    return current_user.is_authenticated and performance.may_read_ranking(current_user)


@bp.app_template_filter("part_name")
def part_name(key):
    return _(PART_NAMES[key])


@bp.app_template_filter("supervision_kind")
def supervision_kind(code):
    return label(SUPERVISION_KINDS, code)


@bp.app_template_filter("supervision_result")
def supervision_result(code):
    return label(SUPERVISION_RESULTS, code)


@bp.app_template_filter("supervision_measure")
def supervision_measure(code):
    return label(SUPERVISION_MEASURES, code)


@bp.app_template_filter("commitment_state")
def commitment_state(code):
    return label(STATES, code)


def rules():
    return performance.Rules.from_config(current_app.config)


def _month_or_errors():
    try:
        return performance.read_month(request.args.get("month", "")), {}
    except ValidationFailed as exc:
        return None, {name: bilingual(message) for name, message in exc.fields.items()}


def _month_or_400():
    month, errors = _month_or_errors()
    if errors:
        abort(400, "; ".join(errors.values()))
    return month


@bp.route("")
@login_required
def index():
    if not performance.may_read_ranking(current_user) and performance.is_field_staff(current_user):
        return redirect(url_for("performance.show", staff_id=current_user.id, **request.args))
    performance.check_may_read_ranking(current_user)
    month, errors = _month_or_errors()
    cards = performance.ranking(db.session, current_user, month, rules()) if month else []
    cross = supervision_commitments.cross_checks(db.session, current_user, month.year) if month else None
    return render_template("performance/index.html", month=month, cards=cards, errors=errors, args=request.args,
                           rules=rules(), cross=cross, reads_all=performance.reads_all(current_user),
                           keys=performance.KEYS, quality_keys=QUALITY_KEYS,
                           this_month=performance.read_month("")), 400 if errors else 200


def ranking_rows(cards):
    """The ranking as a table, a header row first (the CSV's)."""
    rows = [[_("排名"), _("姓名"), _("角色"), _("综合得分"), _("加权得分"), _("扣分")]
            + [f"{_(PART_NAMES[k])}" for k in performance.KEYS]
            + [_("排查走访"), _("复核验收"), _("按期复核"), _("登记隐患"), _("等级被改变"), _("抽查发现问题"),
               _("打卡异常的排查"), _("满意度评价数"), _("满意度平均分"), _("属实投诉"), _("督查次数"), _("督查不合格"),
               _("质量事故追责")]]
    for card in cards:
        s = card.signals
        weighted = card.weighted
        rows.append([card.rank, card.user.display_name, role_names(card.user), _num(card.score),
                     _num(None if weighted is None else round(float(weighted), 1)), card.deducted]
                    + [_num(card.parts[k].points) for k in performance.KEYS]
                    + [len(s.visits), len(s.verifications), sum(1 for v in s.verifications if v.on_time),
                       len(s.cases), sum(1 for c in s.cases if c.regraded),
                       sum(1 for c in s.cases if c.quality_problem),
                       sum(1 for v in s.visits if v.flags), card.parts["satisfaction"].denominator,
                       _num(card.parts["satisfaction"].numerator), len(s.complaints), len(s.supervisions),
                       sum(1 for r in s.supervisions if r.result == "fail"), len(s.incidents)])
    return rows


def _num(value):
    return "—" if value is None else value


def role_names(user):
    """The member's field roles, by name."""
    return _("、").join(label(ROLES, r) for r in sorted(user.roles) if r in FIELD_ROLES)


@bp.route("/export.csv")
@login_required
def export_csv():
    performance.check_may_read_ranking(current_user)
    month = _month_or_400()
    cards = performance.ranking(db.session, current_user, month, rules())
    head = [[_("排查人员月度绩效考核排名")], [_("月份"), month.label],
            [_("权重"), "；".join(f"{_(PART_NAMES[k])} {w}" for k, w in rules().weights.items())], []]
    return csv_download(head + ranking_rows(cards), f"staff-performance-{month.label}.csv")


@bp.route("/<int:staff_id>")
@login_required
def show(staff_id):
    performance.check_may_read_scorecard(current_user, staff_id)
    month, errors = _month_or_errors()
    card = performance.scorecard(db.session, current_user, staff_id, month or performance.read_month(""), rules())
    return render_template("performance/show.html", card=card, month=month or card.month, errors=errors,
                           args=request.args, rules=rules(), keys=performance.KEYS, quality_keys=QUALITY_KEYS,
                           how=PART_HOW, deduction_names=DEDUCTION_NAMES, incident_points=performance.INCIDENT_POINTS,
                           sees_complaints=complaints.may_see_complaints(current_user)), 400 if errors else 200


@bp.route("/<int:staff_id>/scorecard.pdf")
@login_required
def show_pdf(staff_id):
    performance.check_may_read_scorecard(current_user, staff_id)
    month = _month_or_400()
    card = performance.scorecard(db.session, current_user, staff_id, month, rules())
    body = performance_pdf.render(card, rules(), PART_NAMES, PART_HOW, DEDUCTION_NAMES, role_names(card.user))
    name = f"scorecard-{card.user.username}-{month.label}.pdf"
    return Response(body, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


def flag_text(flags):
    return _("、").join(checkin_flag(f) for f in flags)


bp.add_app_template_global(flag_text, "checkin_flag_text")
bp.add_app_template_global(lambda: clock.local_now().date(), "performance_today")
