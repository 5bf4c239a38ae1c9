"""The duty roster page (值班表, services/emergency_duty.py), on the `emergencies` blueprint: who is on duty today and
the lines from a month ago on; project leads and administrators add and remove lines."""
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..services import emergencies, emergency_duty
from ..services.uow import UnitOfWork
from .emergencies import bp
from .forms_render import bilingual

FIELDS = ("user_id", "phone", "starts_on", "ends_on", "note")


@bp.route("/emergencies/duty")
@login_required
def duty():
    emergency_duty.check_may_read(current_user)
    today = clock.local_now().date()
    return _duty_page({"starts_on": today.isoformat(), "ends_on": (today + timedelta(days=6)).isoformat()}, {})


def _duty_page(form, errors, message=None, status=200):
    manager = emergency_duty.may_manage(current_user)
    return render_template("emergencies/duty.html", rows=emergency_duty.listing(db.session, current_user),
                           on_duty=emergency_duty.on_duty(db.session), today=clock.local_now().date(),
                           may_manage=manager, staff=emergencies.staff_users(db.session) if manager else [],
                           form=form, errors=errors, message=message), status


@bp.route("/emergencies/duty", methods=["POST"])
@login_required
def add_duty():
    emergency_duty.check_may_read(current_user)
    form = {name: request.form.get(name, "").strip() for name in FIELDS}
    try:
        with UnitOfWork() as uow:
            emergency_duty.add(uow, current_user, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _duty_page(form, fields, None if fields else bilingual(exc.message), exc.status)
    flash(_("值班安排已添加"), "success")
    return redirect(url_for("emergencies.duty"))


@bp.route("/emergencies/duty/<int:duty_id>/remove", methods=["POST"])
@login_required
def remove_duty(duty_id):
    emergency_duty.check_may_read(current_user)
    with UnitOfWork() as uow:
        emergency_duty.remove(uow, current_user, duty_id)
        uow.commit()
    flash(_("值班安排已删除"), "success")
    return redirect(url_for("emergencies.duty"))
