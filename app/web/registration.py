"""Registering a hazard (`/hazards/new`, the cases blueprint's `register`): the form, and the many places a
registration starts from — an inspection visit and its nonconforming checklist item, an IoT alarm, a verified public
report, an emergency drill's problem, a return visit's regressed finding, a closed emergency incident, a risk point,
an ineffective effect evaluation, an 异常 item of a key part's patrol card —
each drafting the form from what it knows and recording the case it led to in the registration's transaction."""
from dataclasses import dataclass
from datetime import datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import SHANGHAI, clock
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..models import RiskPoint
from ..services import (checklist_results, drills, effect_evaluations, emergency_response, forms, hazards,
                        inspections, iot_alarm_handling, public_report_handling, return_visits, risk_points)
from ..services import patrol_cards
from ..services.access import may_see
from ..services.processes import deployed_version, form_for
from ..services.uow import UnitOfWork
from . import forms_render
from .cases import bp, enterprise_choices
from .query_args import int_or_none


@bp.route("/hazards/new", methods=["GET", "POST"])
@login_required
def register():
    if not hazards.may_register(current_user):
        abort(403, _("只有现场排查人员和企业（上报本企业的隐患）可以登记隐患"))
    form = form_for(deployed_version(UnitOfWork()), hazards.REGISTRATION_FORM)
    if request.method == "GET":
        visit = _visit(request.args.get("visit"))
        now = clock.now().astimezone(SHANGHAI)
        # From a visit of an earlier day the hazard was found that day: its morning, to be corrected if need be.
        found = now if visit is None or visit.visited_on == now.date() else \
            datetime.combine(visit.visited_on, time(9, 0))
        raw = {"found_at": [found.strftime("%Y-%m-%dT%H:%M")], "legal_major": ["false"]}
        if visit is not None:
            raw["enterprise_id"] = [str(visit.enterprise_id)]
        elif not hazards.registers_for_any_enterprise(current_user):  # a self-check report: the own enterprise
            raw["enterprise_id"] = [str(current_user.enterprise_id)]
        checked = _checked_item(visit, request.args.get("checklist_item"))
        if checked is not None:  # from a nonconforming checklist item: its content and what was found there
            raw["description"] = ["\n".join(filter(None, (checked.item.content, checked.note)))]
        alarm = _iot_alarm(request.args.get("iot_alarm"), raw)
        report = _public_report(request.args.get("public_report"), raw)
        drill = _drill_problem(request.args.get("drill"), request.args.get("problem"), raw)
        if drill is None:
            drill = _return_visit_finding(request.args.get("return_visit"), request.args.get("finding"), raw)
        emergency = _emergency(request.args.get("emergency"), raw)
        _risk_point_prefill(request.args.get("risk_point"), raw)
        _effect_evaluation_prefill(request.args.get("effect_evaluation"), raw)
        patrol = _patrol_item(request.args.get("patrol_item"), raw)
        return _register_page(form, raw, visit=visit, checked=checked, alarm=alarm, report=report, drill=drill,
                              emergency=emergency, patrol=patrol)
    raw = request.form.to_dict(flat=False)
    visit = _visit(request.form.get("inspection_visit_id"))
    checked = _checked_item(visit, request.form.get("checklist_item_id"))
    alarm = _iot_alarm(request.form.get("iot_alarm_id"))
    report = _public_report(request.form.get("public_report_id"))
    drill = _drill_problem(request.form.get("drill_id"), request.form.get("drill_problem")) or \
        _return_visit_finding(request.form.get("return_visit_id"), request.form.get("return_visit_finding"))
    emergency = _emergency(request.form.get("emergency_id"))
    patrol = _patrol_item(request.form.get("patrol_item_id"))
    data = forms.coerce(form, forms_render.normalize(form, raw))
    if visit is not None:
        data["inspection_visit_id"] = visit.id
    if checked is not None:
        data["checklist_item_id"] = checked.item_id
    data["risk_point_id"] = request.form.get("risk_point_id", "").strip() or None
    try:
        with UnitOfWork() as uow:
            case = hazards.register_hazard(uow, current_user, data)
            if alarm is not None:  # the IoT alarm it was registered from records the case (409 if one did already)
                iot_alarm_handling.link_case(uow, current_user, alarm.id, case)
            if report is not None:  # the public report it was registered from records the case (409 if linked)
                public_report_handling.link_case(uow, current_user, report.id, case)
            if drill is not None:  # the drill's problem (or return visit's finding) records the case (409 if it did)
                drill.link(uow, case)
            if emergency is not None:  # so does the emergency incident it was registered from
                emergency_response.link_case(uow, current_user, emergency.id, case)
            if patrol is not None:  # and the patrol card's 异常 item (409 if a hazard was registered from it)
                patrol_cards.link_case(uow, current_user, patrol.id, case)
            case_id, code = case.id, case.code
            uow.commit()
    except ValidationFailed as exc:
        return _register_page(form, raw, exc.fields, exc.message, visit=visit, checked=checked, alarm=alarm,
                              report=report, drill=drill, emergency=emergency, patrol=patrol), 400
    flash(_("隐患已登记，编号 %(code)s", code=code), "success")
    return redirect(url_for("cases.show", case_id=case_id))


def _effect_evaluation_prefill(value, raw):
    """From an ineffective effect evaluation (`?effect_evaluation=`, the notice's link): the case's enterprise, hazard
    type and place, and the evaluation's summary drafted; not recorded on the new case (its recurrence shows on the
    evaluation by itself). A self-check of another enterprise or an evaluation the user does not read drafts nothing."""
    values = effect_evaluations.hazard_prefill(db.session, current_user, int_or_none(value)) if value else None
    if values is None or ("enterprise_id" in raw and raw["enterprise_id"] != [values["enterprise_id"]]):
        return
    raw.update({name: [text] for name, text in values.items()})


def _patrol_item(value, raw=None):
    """The 异常 item of a patrol card a registration comes from (`?patrol_item=` / the form's hidden field): none when
    not given; 404 for a card the user does not read, 409 for a normal item or one registered already. With `raw`,
    the key part's enterprise and location and what was found are drafted."""
    if not (value or "").strip():
        return None
    try:
        item, values = patrol_cards.hazard_prefill(db.session, current_user, int_or_none(value))
    except DomainError as exc:
        abort(exc.status, forms_render.bilingual(exc.message))
    if raw is not None:
        raw.update({name: [text] for name, text in values.items()})
    return item


def _risk_point_prefill(value, raw):
    """From a risk point's page (`?risk_point=`): its enterprise, place and the point itself drafted; a point the user
    does not see (or none) drafts nothing."""
    point = db.session.get(RiskPoint, int_or_none(value)) if int_or_none(value) else None
    if point is None or point.is_retired or not may_see(current_user, point.enterprise_id):
        return
    if "enterprise_id" in raw and raw["enterprise_id"] != [str(point.enterprise_id)]:
        return  # a visit or a self-check fixed another enterprise
    raw.update(enterprise_id=[str(point.enterprise_id)], risk_point_id=[str(point.id)])
    raw.setdefault("place", [point.place or point.name])


def _visit(value):
    """The visit a registration comes from (`?visit=` / the form's hidden field): none when not given, a 404 when
    it is not a visit the user sees."""
    if not (value or "").strip():
        return None
    return inspections.get_visible_visit(db.session, current_user, int_or_none(value))


def _checked_item(visit, value):
    """The nonconforming checklist result at `visit` a registration comes from (`?checklist_item=` / the form's
    hidden field): none when not given; a 404 without a visit, a 409 when it is not nonconforming or a hazard was
    registered from it already."""
    if not (value or "").strip():
        return None
    if visit is None:
        abort(404)
    try:
        return checklist_results.result_for_hazard(db.session, visit, value)
    except ValidationFailed as exc:
        abort(409, forms_render.bilingual(exc.fields["checklist_item_id"]))


def _iot_alarm(value, raw=None):
    """The IoT alarm a registration comes from (`?iot_alarm=` / the form's hidden field): none when not given; 404
    for one the user does not see, 409 for a warning or one registered already. With `raw`, the form's values are
    drafted from it (enterprise, place, position, hazard type, description, when found)."""
    if not (value or "").strip():
        return None
    try:
        alarm, values = iot_alarm_handling.hazard_prefill(db.session, current_user, int_or_none(value))
    except DomainError as exc:
        abort(exc.status, forms_render.bilingual(exc.message))
    if raw is not None:
        raw.update({name: [text] for name, text in values.items()})
    return alarm


def _public_report(value, raw=None):
    """The verified public report a registration comes from (`?public_report=` / the form's hidden field): none
    when not given; 404 / 403 for one the user may not handle, 409 unless it is verified as true and has no case
    yet. With `raw`, the description, place and (when the reporter chose one) the enterprise are drafted from it."""
    if not (value or "").strip():
        return None
    try:
        report = public_report_handling.check_may_link(db.session, current_user, int_or_none(value))
    except DomainError as exc:
        abort(exc.status, forms_render.bilingual(exc.message))
    if raw is not None:
        raw["description"] = [f"群众举报（{report.received_at.astimezone(SHANGHAI):%Y-%m-%d}）：{report.text}\n"
                              f"核查情况：{report.verification_note or ''}"[:4000]]
        raw["place"] = [report.place[:200]]
        if report.enterprise_id:
            raw["enterprise_id"] = [str(report.enterprise_id)]
    return report


def _drill_problem(drill_id, number, raw=None):
    """The emergency drill's problem a registration comes from (`?drill=&problem=` / the form's hidden fields): none
    when not given; 404 for a drill the user does not see, 400 for no such problem, 409 when it was registered
    already. With `raw`, the enterprise, description and type are drafted from it."""
    if not (drill_id or "").strip():
        return None
    try:
        row, text, values = drills.hazard_prefill(db.session, current_user, drill_id, number)
    except DomainError as exc:
        abort(exc.status, forms_render.bilingual(exc.message))
    if raw is not None:
        raw.update({name: [value] for name, value in values.items()})
    return DrillProblem(row, int_or_none(number), text)


def _return_visit_finding(visit_id, finding_id, raw=None):
    """The regressed finding of a return visit a registration comes from (`?return_visit=&finding=` / the form's
    hidden fields), handled as a drill's problem is (services/return_visits.py)."""
    if not (visit_id or "").strip():
        return None
    try:
        row, finding, values = return_visits.hazard_prefill(db.session, current_user, visit_id, finding_id)
    except DomainError as exc:
        abort(exc.status, forms_render.bilingual(exc.message))
    if raw is not None:
        raw.update({name: [value] for name, value in values.items()})
    return ReturnVisitFinding(row, finding.id, finding.note)


def _emergency(value, raw=None):
    """The closed emergency incident a registration comes from (`?emergency=` / the form's hidden field): none when
    not given; 404 for one the user does not see, 409 when not closed or registered already. With `raw`, the
    enterprise, place, description and when found are drafted from it and its analysis report."""
    if not (value or "").strip():
        return None
    try:
        row, values = emergency_response.hazard_prefill(db.session, current_user, value.strip())
    except DomainError as exc:
        abort(exc.status, forms_render.bilingual(exc.message))
    if raw is not None:
        raw.update({name: [text] for name, text in values.items()})
    return row


@dataclass
class DrillProblem:
    row: object
    number: int
    text: str
    kind = "drill"

    def link(self, uow, case):
        drills.link_case(uow, current_user, self.row.id, self.number, case)


@dataclass
class ReturnVisitFinding:
    """A return visit's regressed finding, in the registration page's place of a drill's problem."""
    row: object
    number: int
    text: str
    kind = "return_visit"

    def link(self, uow, case):
        return_visits.link_case(uow, current_user, self.row.id, self.number, case)


def _register_page(form, raw, errors=None, message=None, visit=None, checked=None, alarm=None, report=None,
                   drill=None, emergency=None, patrol=None):
    errors = errors or {}
    own = [] if hazards.registers_for_any_enterprise(current_user) else [current_user.enterprise]  # self-check
    rows = forms_render.build(form, raw, errors, enterprises=own or enterprise_choices(current_user),
                              files=forms_render.describe_files(db.session, current_user,
                                                                forms_render.file_ids(form, raw)))
    known = {f.name for row in rows for f in row} | {"risk_point_id"}
    only = visit.enterprise_id if visit is not None else (own[0].id if own else None)
    return render_template("register.html", form=form, rows=rows, message=message, visit=visit, checked=checked,
                           alarm=alarm, public_report=report, drill=drill, emergency=emergency, patrol_item=patrol,
                           self_check=bool(own),
                           other_errors={k: v for k, v in errors.items() if k not in known},
                           risk_choices=risk_points.choices_for_cases(db.session, current_user, only),
                           risk_point_id=(raw.get("risk_point_id") or [""])[0], risk_point_error=forms_render.bilingual(
                               errors["risk_point_id"]) if errors.get("risk_point_id") else None)
