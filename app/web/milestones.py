"""Rectification milestones and the three parties (services/milestones.py): the case page's card, adding a
milestone, marking one done, naming the parties, and the progress timeline of open cases (services/
milestone_timeline.py, /cases/timeline)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..services import milestone_timeline, milestones
from ..services.access import get_visible_case, township_choices, visible_enterprises
from ..services.field_rules import row_id
from ..services.uow import UnitOfWork
from .forms_render import bilingual

bp = Blueprint("milestones", __name__)
MILESTONE_FIELDS = ("title", "due_on", "criterion")
DONE_FIELDS = ("done_on", "done_note")
PARTY_FIELDS = milestones.PARTY_FIELDS + ("supervisor_user_id",)


@bp.app_template_global()
def milestones_card(case):
    """(milestones, parties, may edit milestones now, may name the parties, today) for the case page."""
    rows = milestones.milestones_of(db.session, case.id)
    return (rows, milestones.parties_of(db.session, case.id),
            milestones.may_edit(current_user, case) and milestones.editable(case),
            milestones.may_edit_parties(current_user) and case.status != "closed", milestones.today())


@bp.app_template_global()
def milestone_late(row, day=None):
    return milestones.is_late(row, day)


def _failed(render, exc):
    """A domain error as the form again: field errors → 400 with the input kept; other errors as a message."""
    if exc.fields:
        return render({k: bilingual(v) for k, v in exc.fields.items()}, None), 400
    return render({}, bilingual(exc.message)), exc.status


@bp.route("/cases/<int:case_id>/milestones/new", methods=["GET", "POST"])
@login_required
def new(case_id):
    case = get_visible_case(db.session, current_user, case_id)  # 404 for another enterprise's case
    if not milestones.may_edit(current_user, case):
        abort(403, _("只有项目负责人和本企业可以维护整改节点"))
    form = {name: request.form.get(name, "").strip() for name in MILESTONE_FIELDS}

    def render(errors, message):
        return render_template("milestones/new.html", case=case, form=form, errors=errors, message=message,
                               last_day=milestones.deadline_day(case))
    if request.method == "GET":
        return render({}, None)
    try:
        with UnitOfWork() as uow:
            milestones.add(uow, current_user, case_id, form)
            uow.commit()
    except DomainError as exc:
        return _failed(render, exc)
    flash(_("已添加整改节点"), "success")
    return redirect(url_for("cases.show", case_id=case_id) + "#milestones")


@bp.route("/cases/<int:case_id>/milestones/<int:milestone_id>/done", methods=["GET", "POST"])
@login_required
def done(case_id, milestone_id):
    row = milestones.get_milestone(db.session, current_user, case_id, milestone_id)
    case = row.case
    if not milestones.may_edit(current_user, case):
        abort(403, _("只有项目负责人和本企业可以维护整改节点"))
    form = {name: request.form.get(name, "").strip() for name in DONE_FIELDS}

    def render(errors, message):
        return render_template("milestones/done.html", case=case, row=row, form=form, errors=errors,
                               message=message)
    if request.method == "GET":
        form["done_on"] = clock.local_now().date().isoformat()
        return render({}, None)
    try:
        with UnitOfWork() as uow:
            milestones.complete(uow, current_user, case_id, milestone_id, form)
            uow.commit()
    except DomainError as exc:
        return _failed(render, exc)
    flash(_("已标记整改节点完成"), "success")
    return redirect(url_for("cases.show", case_id=case_id) + "#milestones")


@bp.route("/cases/<int:case_id>/parties", methods=["GET", "POST"])
@login_required
def parties(case_id):
    case = get_visible_case(db.session, current_user, case_id)
    if not milestones.may_edit_parties(current_user):
        abort(403, _("只有项目负责人可以指定三方责任人"))
    row = milestones.parties_of(db.session, case.id)
    if request.method == "GET":
        form = {name: (getattr(row, name) or "") if row else "" for name in PARTY_FIELDS}
    else:
        form = {name: request.form.get(name, "").strip() for name in PARTY_FIELDS}

    def render(errors, message):
        return render_template("milestones/parties.html", case=case, form=form, errors=errors, message=message,
                               choices=milestones.supervisor_choices(db.session, case))
    if request.method == "GET":
        return render({}, None)
    try:
        with UnitOfWork() as uow:
            milestones.set_parties(uow, current_user, case_id, form)
            uow.commit()
    except DomainError as exc:
        return _failed(render, exc)
    flash(_("已保存三方责任人"), "success")
    return redirect(url_for("cases.show", case_id=case_id) + "#milestones")


@bp.route("/cases/timeline")
@login_required
def timeline():
    """Open cases the user sees (a department user: none), filtered by enterprise and township / park."""
    args = request.args
    enterprises = visible_enterprises(db.session, current_user).order_by("name").all()
    enterprise_id = row_id(args.get("enterprise", ""))
    if enterprise_id is not None and enterprise_id not in {e.id for e in enterprises}:
        enterprise_id = None  # not one the user sees: no filter rather than a hint that it exists
    townships = township_choices(db.session, current_user)
    township = args.get("township", "").strip()[:64]
    township = township if township in townships else ""
    late_only = args.get("late") == "1"
    view = milestone_timeline.build(db.session, current_user, enterprise_id, township, late_only)
    return render_template("milestones/timeline.html", view=view, enterprises=enterprises, townships=townships,
                           flt={"enterprise": enterprise_id, "township": township, "late": late_only},
                           today=milestones.today())
