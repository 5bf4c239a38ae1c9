"""Survey rounds (services/surveys.py): the list, a project lead's form of a new round, a round's page — its results
(response rates, averages) for the readers, the answer form for a recipient — and the CSV of a round's answers.
For the project leads, managers, the bureau, enterprise staff and township offices (others: 403)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import SURVEY_QUESTIONS
from ..services import surveys
from ..services.uow import UnitOfWork
from .downloads import csv_download, csv_moment
from .forms_render import bilingual
from .guards import restrict
from .names import N_

bp = Blueprint("surveys", __name__)
restrict(bp, "may_use_surveys", surveys.may_use,
         N_("问卷调查供项目负责人、管理人员、应急管理局、企业安全员和属地监管使用"))
QUESTION_TITLES = {"q_attitude": N_("排查人员的服务态度"), "q_expertise": N_("排查工作的专业水平"),
                   "q_timeliness": N_("问题反馈和响应的及时性"), "q_guidance": N_("整改指导的实用性")}
AUDIENCE_TITLES = {"enterprise": N_("企业安全员"), "township": N_("属地监管")}
STATUS_TITLES = {"draft": N_("草稿"), "open": N_("进行中"), "closed": N_("已结束")}


@bp.app_template_filter("survey_question")
def survey_question(code):
    return _(QUESTION_TITLES[code]) if code in QUESTION_TITLES else code


@bp.app_template_filter("survey_audience")
def survey_audience(code):
    return _(AUDIENCE_TITLES[code]) if code in AUDIENCE_TITLES else code


@bp.app_template_filter("survey_status")
def survey_status(code):
    return _(STATUS_TITLES[code]) if code in STATUS_TITLES else code


def _fields(exc):
    return {k: bilingual(v) for k, v in exc.fields.items()}


@bp.route("/surveys")
@login_required
def index():
    return _index({"title": "", "audience": ["enterprise", "township"]}, {})


def _index(form, errors, message=None, status=200):
    rows = surveys.rounds(db.session, current_user)
    mine = {} if surveys.may_read_results(current_user) else \
        {r.id: surveys.my_response(db.session, current_user, r) for r in rows}
    return render_template("surveys/index.html", rows=rows, mine=mine, form=form, errors=errors, message=message,
                           summary=surveys.summary, may_manage=surveys.may_manage(current_user),
                           reads_results=surveys.may_read_results(current_user)), status


@bp.route("/surveys", methods=["POST"])
@login_required
def create():
    form = {"title": request.form.get("title", ""), "audience": request.form.getlist("audience")}
    try:
        with UnitOfWork() as uow:
            row = surveys.create(uow, current_user, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = _fields(exc)
        return _index(form, fields, None if fields else bilingual(exc.message), exc.status)
    flash(_("已创建问卷，发布后调查对象将收到通知"), "success")
    return redirect(url_for("surveys.show", round_id=row.id))


@bp.route("/surveys/<int:round_id>")
@login_required
def show(round_id):
    row = surveys.get(db.session, current_user, round_id)
    return _show(row, {}, {})


def _show(row, form, errors, message=None, status=200):
    return render_template("surveys/show.html", row=row, form=form, errors=errors, message=message,
                           questions=list(SURVEY_QUESTIONS), mine=surveys.my_response(db.session, current_user, row),
                           summary=surveys.summary(row) if surveys.may_read_results(current_user) else None,
                           may_manage=surveys.may_manage(current_user)), status


def _act(round_id, action, done):
    try:
        with UnitOfWork() as uow:
            action(uow, current_user, round_id)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        return _show(surveys.get(db.session, current_user, round_id), {}, {}, bilingual(exc.message), exc.status)
    flash(done, "success")
    return redirect(url_for("surveys.show", round_id=round_id))


@bp.route("/surveys/<int:round_id>/open", methods=["POST"])
@login_required
def open_round(round_id):
    return _act(round_id, surveys.open_round, _("问卷已发布，已通知调查对象"))


@bp.route("/surveys/<int:round_id>/close", methods=["POST"])
@login_required
def close_round(round_id):
    return _act(round_id, surveys.close_round, _("问卷已结束"))


@bp.route("/surveys/<int:round_id>/answer", methods=["POST"])
@login_required
def answer(round_id):
    form = {name: request.form.get(name, "") for name in (*SURVEY_QUESTIONS, "comment")}
    try:
        with UnitOfWork() as uow:
            surveys.answer(uow, current_user, round_id, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = _fields(exc)
        return _show(surveys.get(db.session, current_user, round_id), form, fields,
                     None if fields else bilingual(exc.message), exc.status)
    flash(_("感谢您填写问卷"), "success")
    return redirect(url_for("surveys.show", round_id=round_id))


@bp.route("/surveys/<int:round_id>.csv")
@login_required
def export(round_id):
    row = surveys.get(db.session, current_user, round_id)
    if not surveys.may_read_results(current_user):
        abort(403, _("问卷结果供项目负责人、管理人员和应急管理局查看"))
    rows = [[_("调查对象"), _("单位"), _("填写时间"), *[survey_question(q) for q in SURVEY_QUESTIONS], _("意见建议")]]
    for r in row.responses:
        unit = r.user.enterprise.name if r.audience == "enterprise" and r.user.enterprise else \
            "、".join(r.user.townships)
        rows.append([survey_audience(r.audience), unit, csv_moment(r.answered_at),
                     *[getattr(r, q) if r.answered_at else "" for q in SURVEY_QUESTIONS], r.comment])
    return csv_download(rows, f"survey-{row.id}.csv")
