"""智能调度 pages (services/dispatch.py, dispatch_scoring.py, dispatch_routes.py): the suggestions card on a plan's
page and its one-click assignment, the auto-dispatch of a day range (preview, then confirm), an inspector's day in
route order and its printable day sheet (dispatch_pdf.py)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import Conflict, DomainError, ValidationFailed
from ..extensions import db
from ..services import dispatch, dispatch_reminders, dispatch_routes, dispatch_scoring
from ..services.uow import UnitOfWork
from ..services.users import holders_of_role
from . import dispatch_pdf
from . import inspection_plans as plan_pages
from .forms_render import Catalog, bilingual
from .query_args import int_or_none

bp = Blueprint("dispatch", __name__)


@bp.app_template_global()
def dispatch_card(plan):
    """The suggestions for the plan's page: only for dispatchers and open plans they may dispatch, else None."""
    if not dispatch.may_dispatch(current_user) or not dispatch.dispatchable(plan):
        return None
    return dispatch.suggestions(db.session, current_user, plan.id)


@bp.app_template_global()
def may_see_own_route():
    return current_user.is_authenticated and current_user.has_role("inspector") and \
        not dispatch.hides_dispatch(current_user)


@bp.app_template_global()
def may_dispatch_plans():
    return current_user.is_authenticated and dispatch.may_dispatch(current_user)


@bp.app_template_global()
def dispatch_route_of_notice(notification):
    """The route page a day's reminder links to (the recipient's own day), else None."""
    if notification.kind != dispatch_reminders.KIND or not (notification.dedup_key or "").startswith("dispatch:day:"):
        return None
    day = notification.dedup_key.rsplit(":", 1)[1]
    return url_for("dispatch.route", user_id=notification.user_id, day=day)


@bp.route("/inspections/plans/<int:plan_id>/dispatch", methods=["POST"])
@login_required
def assign(plan_id):
    user_ids = [int_or_none(v) for v in request.form.getlist("user_ids")]
    try:
        with UnitOfWork() as uow:
            row = dispatch.assign(uow, current_user, plan_id, user_ids)
            team = row.team
            uow.commit()
    except DomainError as exc:  # no one ticked, or the plan changed meanwhile: its page says so beside the card
        return plan_pages.back_with(exc, plan_id)
    flash(_("已派单：%(team)s", team=team), "success")
    return redirect(url_for("inspection_plans.show", plan_id=plan_id))


@bp.route("/dispatch")
@login_required
def auto():
    """Auto-dispatch: the day range's unassigned plans with a proposed team each (nothing written yet)."""
    dispatch.check_may_dispatch(current_user)
    first, last = dispatch.default_range(clock.local_now().date())
    form = {"start": request.args.get("start", first.isoformat()), "end": request.args.get("end", last.isoformat())}
    if "start" not in request.args:
        return _auto_page(form, None)
    try:
        return _auto_page(form, dispatch.preview(db.session, current_user, form["start"], form["end"]))
    except ValidationFailed as exc:
        return _auto_page(form, None, errors={k: bilingual(v) for k, v in exc.fields.items()}), 400


def _auto_page(form, proposal, errors=None, message=None):
    return render_template("dispatch/auto.html", form=form, proposal=proposal, errors=errors or {}, message=message,
                           max_days=dispatch.MAX_RANGE_DAYS, team_size=dispatch_scoring.TEAM_SIZE,
                           inspectors=holders_of_role(db.session, "inspector"), today=clock.local_now().date())


@bp.route("/dispatch/confirm", methods=["POST"])
@login_required
def confirm():
    """The plans the lead kept, each with the team the preview proposed and the team line it saw."""
    choices, seen = {}, {}
    for value in request.form.getlist("plans"):
        plan_id = int_or_none(value)
        if plan_id is None:
            continue
        choices[plan_id] = [int_or_none(v) for v in request.form.get(f"team_{plan_id}", "").split(",") if v]
        seen[plan_id] = request.form.get(f"seen_{plan_id}", "")
    start, end = request.form.get("start", ""), request.form.get("end", "")
    try:
        with UnitOfWork() as uow:
            rows = dispatch.confirm(uow, current_user, start, end, choices, seen)
            count = len(rows)
            uow.commit()
    except (ValidationFailed, Conflict) as exc:  # a range, a kept plan or a team no longer right: preview again
        fields = {k: bilingual(v) for k, v in exc.fields.items() if k in ("start", "end")}
        others = [bilingual(v) for k, v in exc.fields.items() if k not in fields]
        message = "；".join(others) if others else (None if fields else bilingual(exc.message))
        return _auto_page({"start": start, "end": end}, None, errors=fields, message=message), exc.status
    flash(_("已为 %(n)s 个排查计划派单", n=count), "success")
    return redirect(url_for("dispatch.auto", start=start, end=end))


@bp.route("/dispatch/my-day")
@login_required
def my_day():
    """The nav's entry: an inspector's own day today; a lead goes to the auto-dispatch."""
    if dispatch.may_dispatch(current_user):
        return redirect(url_for("dispatch.auto"))
    dispatch_routes.check_may_see(current_user, current_user.id)
    return redirect(url_for("dispatch.route", user_id=current_user.id, day=clock.local_now().date().isoformat()))


@bp.route("/dispatch/inspectors/<int:user_id>/route")
@login_required
def route(user_id):
    day = request.args.get("day") or clock.local_now().date().isoformat()
    chosen = int_or_none(request.args.get("user"))
    if chosen is not None and chosen != user_id:  # the lead's inspector selector
        return redirect(url_for("dispatch.route", user_id=chosen, day=day))
    result = dispatch_routes.day_route(db.session, current_user, user_id, day)
    inspectors = holders_of_role(db.session, "inspector") if dispatch.may_dispatch(current_user) else []
    return render_template("dispatch/route.html", route=result, inspectors=inspectors, now=clock.now(),
                           is_overdue=dispatch_routes.is_overdue, catalog=Catalog.deployed())


@bp.route("/dispatch/inspectors/<int:user_id>/route.pdf")
@login_required
def sheet(user_id):
    day = request.args.get("day") or ""
    result = dispatch_routes.day_route(db.session, current_user, user_id, day)
    catalog = Catalog.deployed()
    body = dispatch_pdf.render(result, lambda code: catalog.show("hazard_type", code))
    name = f"day-sheet-{user_id}-{result.day.isoformat()}.pdf"
    return body, 200, {"Content-Type": "application/pdf", "Content-Disposition": f'attachment; filename="{name}"'}
