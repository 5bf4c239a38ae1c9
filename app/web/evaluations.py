"""The bureau's quarterly evaluation of the contractor (services/contractor_evaluations.py): the list with the open
improvement items (overdue ones marked), the bureau's form, an evaluation's page with its items (the project leads
record measures and close them), and the CSV. Every route is for the bureau, managers and project leads (403)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import EVALUATION_DIMENSIONS, ImprovementItem
from ..services import contractor_evaluations as evaluations
from ..services.uow import UnitOfWork
from .downloads import csv_download, csv_moment
from .forms_render import bilingual
from .guards import restrict
from .names import N_

bp = Blueprint("evaluations", __name__)
restrict(bp, "may_read_evaluations", evaluations.may_read, N_("监管部门评价供应急管理局、管理人员和项目负责人查看"))
DIMENSION_TITLES = {"response_speed": N_("响应速度"), "service_quality": N_("服务质量"), "data_accuracy": N_("数据准确性"),
                    "communication": N_("沟通协作"), "rectification_effect": N_("整改成效")}
FIELDS = ("year", "quarter", *EVALUATION_DIMENSIONS, "comments")


@bp.app_template_filter("evaluation_dimension")
def evaluation_dimension(code):
    return _(DIMENSION_TITLES[code]) if code in DIMENSION_TITLES else code


def _form_of(row=None):
    if row is None:
        year, quarter = evaluations.quarter_of(evaluations.today())
        return {"year": str(year), "quarter": str(quarter), "comments": ""}
    return {name: str(getattr(row, name)) if name != "comments" else row.comments for name in FIELDS}


def _typed():
    return {name: request.form.get(name, "") for name in FIELDS}


def _fields(exc):
    return {k: bilingual(v) for k, v in exc.fields.items()}


@bp.route("/evaluations")
@login_required
def index():
    return _index(_form_of(), {})


def _index(form, errors, message=None, status=200):
    rows = evaluations.evaluations(db.session, current_user)
    items = evaluations.open_items(db.session, current_user)
    return render_template("evaluations/index.html", rows=rows, items=items, form=form, errors=errors,
                           message=message, today=evaluations.today(), is_overdue=evaluations.is_overdue,
                           may_evaluate=evaluations.may_evaluate(current_user),
                           years=list(range(evaluations.quarter_of(evaluations.today())[0],
                                            evaluations.FIRST_YEAR - 1, -1))), status


@bp.route("/evaluations", methods=["POST"])
@login_required
def create():
    form = _typed()
    try:
        with UnitOfWork() as uow:
            row = evaluations.create(uow, current_user, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = _fields(exc)
        return _index(form, fields, None if fields else bilingual(exc.message), exc.status)
    flash(_("已保存 %(year)s 年第 %(quarter)s 季度评价，确认前可以修改", year=row.year, quarter=row.quarter), "success")
    return redirect(url_for("evaluations.show", evaluation_id=row.id))


@bp.route("/evaluations/<int:evaluation_id>")
@login_required
def show(evaluation_id):
    row = evaluations.get(db.session, current_user, evaluation_id)
    return _show(row, _form_of(row), {})


def _show(row, form, errors, message=None, status=200, item_forms=None, item_errors=None):
    return render_template("evaluations/show.html", row=row, form=form, errors=errors, message=message,
                           is_overdue=evaluations.is_overdue, item_forms=item_forms or {},
                           item_errors=item_errors or {},
                           may_evaluate=evaluations.may_evaluate(current_user) and row.confirmed_at is None,
                           may_close=evaluations.may_close(current_user)), status


@bp.route("/evaluations/<int:evaluation_id>", methods=["POST"])
@login_required
def change(evaluation_id):
    form = _typed()
    try:
        with UnitOfWork() as uow:
            evaluations.change(uow, current_user, evaluation_id, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        row = evaluations.get(db.session, current_user, evaluation_id)
        fields = _fields(exc)
        return _show(row, {**form, "year": row.year, "quarter": row.quarter}, fields,
                     None if fields else bilingual(exc.message), exc.status)
    flash(_("已修改评价"), "success")
    return redirect(url_for("evaluations.show", evaluation_id=evaluation_id))


@bp.route("/evaluations/<int:evaluation_id>/confirm", methods=["POST"])
@login_required
def confirm(evaluation_id):
    try:
        with UnitOfWork() as uow:
            row = evaluations.confirm(uow, current_user, evaluation_id)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        row = evaluations.get(db.session, current_user, evaluation_id)
        return _show(row, _form_of(row), {}, bilingual(exc.message), exc.status)
    flash(_("已确认评价；%(n)s 项评分不高于 2 分，已启动专项整改", n=len(row.items)) if row.items
          else _("已确认评价"), "success")
    return redirect(url_for("evaluations.show", evaluation_id=evaluation_id))


@bp.route("/evaluations/items/<int:item_id>", methods=["POST"])
@login_required
def item(item_id):
    measures, close = request.form.get("measures", ""), request.form.get("close") == "1"
    try:
        with UnitOfWork() as uow:
            row = evaluations.record_measures(uow, current_user, item_id, measures, close)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        found = db.session.get(ImprovementItem, item_id)
        evaluation = evaluations.get(db.session, current_user, found.evaluation_id)
        fields = _fields(exc)
        return _show(evaluation, _form_of(evaluation), {}, None if fields else bilingual(exc.message), exc.status,
                     {item_id: {"measures": measures}}, {item_id: fields})
    flash(_("已关闭专项整改") if close else _("已保存整改措施"), "success")
    return redirect(url_for("evaluations.show", evaluation_id=row.evaluation_id))


@bp.route("/evaluations.csv")
@login_required
def export():
    rows = [[_("年度"), _("季度"), *[_(t) for t in DIMENSION_TITLES.values()], _("平均分"), _("意见"), _("评价人"),
             _("确认时间"), _("专项整改")]]
    for row in evaluations.evaluations(db.session, current_user):
        rows.append([row.year, row.quarter, *row.scores.values(), row.average, row.comments,
                     row.evaluated_by.display_name, csv_moment(row.confirmed_at),
                     "; ".join(f"{evaluation_dimension(i.dimension)} {i.due_on.isoformat()} "
                               f"{_('已关闭') if i.closed_at else _('未关闭')}" for i in row.items)])
    return csv_download(rows, "contractor-evaluations.csv")
