"""A visit's checklist (检查表, services/checklist_results.py) on the visit's page, saved whole or in part by the
inspection team, and the industry common-problem list (共性问题清单, services/checklist_stats.py) with its CSV."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import CHECK_RESULTS, DIMENSIONS
from ..services import checklist_results, checklist_stats, checklists, inspections, visit_reports
from ..services.uow import UnitOfWork
from .downloads import csv_download
from .forms_render import bilingual
from .names import is_english, label
from .query_args import int_or_none, read_days

bp = Blueprint("checklists", __name__, url_prefix="/inspections")


@bp.app_template_filter("dimension_name")
def dimension_name(code):
    return label(DIMENSIONS, code)


@bp.app_template_filter("check_result_name")
def check_result_name(code):
    return label(CHECK_RESULTS, code)


@bp.app_template_filter("checklist_name")
def checklist_name(checklist):
    return checklist.name_en if is_english() and checklist.name_en else checklist.name


@bp.app_template_global()
def may_read_checklist_stats():
    return current_user.is_authenticated and checklist_stats.may_read(current_user)


def render_visit(visit, values=None, errors=None, message=None, **extra):
    """The visit's page: its facts, the hazards registered from it and its checklist (the form's `values` after an
    error, else the recorded results)."""
    sheet = checklist_results.visit_checklist(db.session, visit)
    if values is None:
        values = {}
        for row in sheet.rows:
            if row.result is not None:
                values[checklist_results.result_field(row.item.id)] = row.result.result
                values[checklist_results.note_field(row.item.id)] = row.result.note
    errors = errors or {}
    shown = {name(row.item.id) for row in sheet.rows
             for name in (checklist_results.result_field, checklist_results.note_field)}
    return render_template("inspections/show.html", visit=visit, cases=inspections.hazards_of_visit(db.session, visit),
                           sheet=sheet, values=values, errors=errors, message=message,
                           other_errors={k: v for k, v in errors.items() if k not in shown},
                           may_record=inspections.may_record(current_user) and inspections.report_editable(visit),
                           results=CHECK_RESULTS,
                           result_field=checklist_results.result_field, note_field=checklist_results.note_field,
                           may_acknowledge=visit_reports.may_acknowledge(current_user, visit),
                           ack_form=extra.pop("ack_form", {}), ack_errors=extra.pop("ack_errors", {}), **extra)


@bp.route("/<int:visit_id>/checks", methods=["POST"])
@login_required
def save(visit_id):
    """Save the checklist form: every item given a result (or a note); 400 with the errors beside their items and
    every value kept."""
    visit = inspections.get_visible_visit(db.session, current_user, visit_id)  # 404 for another enterprise's staff
    if not inspections.may_record(current_user):
        abort(403, _("只有排查人员和项目负责人可以登记检查结果"))
    values, entries = _form_entries()
    try:
        with UnitOfWork() as uow:
            changes = checklist_results.record(uow, current_user, visit.id, entries)[1]
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        message = _("检查结果有误，请按提示修改后再保存") if errors else bilingual(exc.message)
        return render_visit(visit, values, errors, message), exc.status
    flash(_("已保存 %(n)s 项检查结果", n=len(changes)) if changes else _("检查结果没有变化"), "success")
    return redirect(url_for("inspections.show", visit_id=visit.id, _anchor="checklist"))


def _form_entries():
    """(the form's values by field name, [{item_id, result, note}] of the items the form names)."""
    values, ids = {}, []
    for name, value in request.form.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "results" and parts[2] in ("result", "note"):
            values[name] = value
            if parts[1] not in ids:
                ids.append(parts[1])
    entries = [{"item_id": int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else raw,
                "result": values.get(f"results.{raw}.result", ""), "note": values.get(f"results.{raw}.note", "")}
               for raw in ids]
    return values, entries


# ---- the common-problem list ----------------------------------------------------------------------------------
@bp.route("/checklist-stats")
@login_required
def stats():
    errors = {}
    flt = _stats_filter(errors)
    rows, visits, enterprises = checklist_stats.common_problems(db.session, current_user, flt) \
        if not errors else ([], 0, 0)
    return render_template("inspections/checklist_stats.html", rows=rows, visits=visits, enterprises=enterprises,
                           filters=flt, errors=errors, lists=checklists.all_checklists(db.session),
                           industries=checklist_stats.industries_visited(db.session)), (400 if errors else 200)


@bp.route("/checklist-stats.csv")
@login_required
def stats_csv():
    errors = {}
    flt = _stats_filter(errors)
    if errors:  # a malformed filter is a 400, not a file of everything
        abort(400, next(iter(errors.values())))
    rows = checklist_stats.common_problems(db.session, current_user, flt)[0]
    lines = [[_("编号"), _("检查表"), _("检查维度"), _("检查内容"), _("依据"), _("检查次数"), _("不符合次数"),
              _("不符合率（%）"), _("涉及企业数"), _("不适用次数")]]
    lines += [[s.item.code, checklist_name(s.item.checklist), dimension_name(s.item.dimension), s.item.content,
               s.item.basis, s.checked, s.nonconform, s.rate if s.rate is not None else "", s.enterprises,
               s.not_applicable] for s in rows]
    return csv_download(lines, f"checklist-common-problems-{clock.local_now():%Y%m%d}.csv")


def _stats_filter(errors):
    if not checklist_stats.may_read(current_user):
        abort(403, _("共性问题清单供排查、监管和管理人员查看"))
    days = read_days(request.args, ("since", "until"), errors)
    if days["since"] and days["until"] and days["since"] > days["until"]:
        errors["until"] = _("结束日期不能早于开始日期")
    return checklist_stats.StatsFilter(industry=request.args.get("industry", "").strip()[:100],
                                       checklist_id=int_or_none(request.args.get("checklist_id")),
                                       since=days["since"], until=days["until"])
