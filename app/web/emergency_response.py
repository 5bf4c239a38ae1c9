"""An incident's page and what is done on it (the `emergencies` blueprint of web/emergencies.py): the stage times
against their limits with a form per stage, the people and instruments sent, closing with the analysis report, the
report as PDF and 登记为隐患 (services/emergency_response.py). A refused form comes back on the page with its input and
the error next to its field."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import SHANGHAI, clock
from ..errors import DomainError
from ..extensions import db
from ..services import (audit, emergencies, emergency_duty, emergency_limits, emergency_response, equipment, supplies,
                        supply_stock)
from ..services.uow import UnitOfWork
from . import emergency_pdf
from .emergencies import EMERGENCY_TITLES, FORM_MOMENT, bp
from .forms_render import bilingual

REPORT_FORM = ("closed_at",) + emergency_response.REPORT_FIELDS


@bp.route("/emergencies/<int:event_id>")
@login_required
def show(event_id):
    return _show_page(emergencies.get(db.session, current_user, event_id))


def _show_page(row, status=200, message=None, **forms):
    """The page; `forms` carries a refused form back: stage_form {stage, at} / stage_errors, responder_errors,
    instrument_form / instrument_errors, close_form / close_errors."""
    now = clock.now()
    may_change = emergencies.may_write(current_user) and row.closed_at is None
    internal = emergencies.sees_internal(current_user, row)
    keeper = equipment.may_manage(current_user)
    return render_template(
        "emergencies/show.html", row=row, times=emergency_limits.timeline(row, now), now=now,
        next_stage=emergency_limits.next_stage(row), may_change=may_change, internal=internal,
        moment_value=lambda m: m.astimezone(SHANGHAI).strftime(FORM_MOMENT) if m else "",
        staff=emergencies.staff_users(db.session) if may_change else [],
        instruments=emergency_response.instruments_to_send(db.session) if may_change else [],
        loans=equipment.open_loans(db.session, [i.instrument_id for i in row.instruments]),
        borrowers=emergencies.staff_users(db.session) if may_change and keeper else [],
        on_duty=emergency_duty.on_duty(db.session) if emergency_duty.may_read(current_user) else None,
        registers_from=emergency_response.may_register_from(current_user, row),
        events=audit.subject_history(db.session, emergencies.SUBJECT, row.id) if internal else [],
        supplies_issued=(supply_stock.movements(db.session, event_id=row.id) if supplies.may_read(current_user)
                         else None),
        titles=EMERGENCY_TITLES, message=message,
        stage_form=forms.get("stage_form") or {}, stage_errors=forms.get("stage_errors") or {},
        responder_errors=forms.get("responder_errors") or {},
        instrument_form=forms.get("instrument_form") or {"borrower_id": str(current_user.id)},
        instrument_errors=forms.get("instrument_errors") or {},
        close_form=forms.get("close_form") or {}, close_errors=forms.get("close_errors") or {}), status


def _act(event_id, action, done, form_name=None, form=None):
    """Run `action(uow)` in its transaction; a refusal (400 / 409) comes back on the page with the form kept."""
    row = emergencies.get(db.session, current_user, event_id)
    try:
        with UnitOfWork() as uow:
            action(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.rollback()
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        forms = {f"{form_name}_errors": fields}
        if form is not None:
            forms[f"{form_name}_form"] = form
        return _show_page(row, exc.status, None if fields else bilingual(exc.message), **forms)
    flash(done, "success")
    return redirect(url_for("emergencies.show", event_id=event_id))


@bp.route("/emergencies/<int:event_id>/stage", methods=["POST"])
@login_required
def record_stage(event_id):
    form = {"stage": request.form.get("stage", ""), "at": request.form.get("at", "").strip()}
    return _act(event_id, lambda uow: emergencies.record_stage(uow, current_user, event_id, form["stage"],
                                                               form["at"]),
                _("已记录处置环节时间"), "stage", form)


@bp.route("/emergencies/<int:event_id>/close", methods=["POST"])
@login_required
def close(event_id):
    form = {name: request.form.get(name, "").strip() for name in REPORT_FORM}
    return _act(event_id, lambda uow: emergency_response.close(uow, current_user, event_id, form),
                _("突发状况已结案，事件分析报告已生成"), "close", form)


@bp.route("/emergencies/<int:event_id>/responders", methods=["POST"])
@login_required
def add_responder(event_id):
    person = request.form.get("user_id", "")
    return _act(event_id, lambda uow: emergency_response.add_responder(uow, current_user, event_id, person),
                _("已登记出动人员"), "responder")


@bp.route("/emergencies/<int:event_id>/responders/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_responder(event_id, user_id):
    return _act(event_id, lambda uow: emergency_response.remove_responder(uow, current_user, event_id, user_id),
                _("已移除出动人员"), "responder")


@bp.route("/emergencies/<int:event_id>/instruments", methods=["POST"])
@login_required
def send_instrument(event_id):
    form = {"instrument_id": request.form.get("instrument_id", ""), "borrower_id": request.form.get("borrower_id", "")}
    return _act(event_id, lambda uow: emergency_response.send_instrument(uow, current_user, event_id, form),
                _("已登记出动设备并办理借出"), "instrument", form)


@bp.route("/emergencies/<int:event_id>/report.pdf")
@login_required
def report_pdf(event_id):
    row = emergencies.get(db.session, current_user, event_id)
    if row.closed_at is None:
        abort(404, _("结案后才有事件分析报告"))
    body = emergency_pdf.render(row, emergency_limits.timeline(row))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{row.code}-report.pdf"'})
