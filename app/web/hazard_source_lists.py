"""The county's major hazard sources (重大危险源, services/hazard_source_states.py): every source of the enterprises the
reader may see, filtered by level, township, lapsed filing or assessment and open alarms, and as CSV. Enterprise
staff are sent to their own enterprise's sources."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..extensions import db
from ..models import SOURCE_LEVELS
from ..services import hazard_source_states as states, hazard_sources as sources
from ..services.access import township_choices
from .downloads import csv_download
from .enterprise_documents import review_status
from .guards import restrict
from .hazard_sources import source_level, substances_text
from .names import N_
from .query_args import int_or_none, page_count, page_number

bp = Blueprint("hazard_source_lists", __name__)
PAGE_SIZE = 50
ASSESSMENT_NAMES = {"missing": N_("未评估"), "lapsed": N_("评估已过期"), "due": N_("评估即将到期"), "valid": N_("评估有效")}
FILING_NAMES = {"missing": N_("未备案"), "refile": N_("须重新备案"), "valid": N_("已备案")}

restrict(bp, "may_read_hazard_source_lists", sources.may_read, N_("重大危险源登记供企业本身、排查和监管人员查看"))


def _filter(args, paged=True):
    level = int_or_none(args.get("level"))
    page = page_number(args)
    return states.SourceFilter(
        level=level if level in SOURCE_LEVELS else None, township=args.get("township", "").strip()[:100],
        lapsed=args.get("lapsed", "") if args.get("lapsed") in states.LAPSES else "",
        alarm=args.get("alarm") == "1", name=args.get("name", "").strip()[:100],
        limit=PAGE_SIZE if paged else None, offset=(page - 1) * PAGE_SIZE if paged else 0), page


@bp.route("/hazard-sources")
@login_required
def index():
    if "enterprise" in current_user.roles and current_user.enterprise_id and len(current_user.roles) == 1:
        return redirect(url_for("hazard_sources.of_enterprise", enterprise_id=current_user.enterprise_id))
    flt, page = _filter(request.args)
    rows, total = states.listing(db.session, current_user, flt)
    query = {k: request.args[k] for k in ("level", "township", "lapsed", "alarm", "name") if request.args.get(k)}
    return render_template("hazard_sources/county.html", rows=rows, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), args=request.args, query=query, levels=SOURCE_LEVELS,
                           townships=township_choices(db.session, current_user), states=states,
                           alarms=states.open_alarms(db.session, [r.id for r in rows]),
                           assessment_names=ASSESSMENT_NAMES, filing_names=FILING_NAMES)


@bp.route("/hazard-sources.csv")
@login_required
def export_csv():
    flt, _page = _filter(request.args, paged=False)
    rows, _total = states.listing(db.session, current_user, flt)
    alarms = states.open_alarms(db.session, [r.id for r in rows])
    lines = [[_("企业"), _("统一社会信用代码"), _("乡镇/园区"), _("重大危险源"), _("所在单元/装置"), _("级别"), _("备案编号"),
              _("备案日期"), _("备案状态"), _("安全评估日期"), _("评估有效期至"), _("评估状态"), _("主要负责人"),
              _("技术负责人"), _("操作负责人"), _("危险物质（存在量/临界量）"), _("R值（简化）"), _("周边安全距离已核查"),
              _("关联监测设备"), _("未关闭告警"), _("审核状态")]]
    for r in rows:
        e = r.enterprise
        lines.append([e.name, e.credit_code, e.township, r.name, r.unit, source_level(r.level), r.filing_number,
                      r.filed_on.isoformat() if r.filed_on else "", _(FILING_NAMES[states.filing_state(r)]),
                      r.assessed_on.isoformat() if r.assessed_on else "",
                      r.assessment_due_on.isoformat() if r.assessment_due_on else "",
                      _(ASSESSMENT_NAMES[states.assessment_state(r)]),
                      f"{r.principal_name} {r.principal_phone}", f"{r.technical_name} {r.technical_phone}",
                      f"{r.operator_name} {r.operator_phone}", substances_text(r.substances),
                      "" if r.r_value is None else r.r_value, _("是") if r.distance_checked else _("否"),
                      "、".join(d.code for d in r.devices), len(alarms.get(r.id, [])), review_status(r.status)])
    return csv_download(lines, f"hazard-sources-{clock.local_now():%Y%m%d-%H%M}.csv")
