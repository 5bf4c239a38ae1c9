"""Hazard cases: the list (and its ledger file), one case with its history, registering a hazard, and
attachments."""
from dataclasses import dataclass
from datetime import datetime, time

from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request,
                   send_file, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import SHANGHAI, clock
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..models import GRADES, Enterprise, RiskPoint
from ..models.hazard_case import SOURCES, STATUSES
from ..services import (attachments, audit, case_documents, checklist_results, drills, emergency_response,
                        followups, forms, hazards, inspections, iot_alarm_handling, notice_receipts, objections,
                        photo_metadata, public_report_handling, return_visits, risk_points, tasks, users)
from ..services.access import may_see, may_work_on, township_choices, visible_enterprises
from ..services.processes import deployed_version, form_for
from ..services.uow import UnitOfWork
from . import forms_render, names, uploads
from .downloads import csv_download, csv_moment, xlsx_download
from .query_args import int_or_none, page_count, page_number, read_days

bp = Blueprint("cases", __name__)
PAGE_SIZE = 50


# ---- list and one case ------------------------------------------------------------------------------------
@bp.route("/cases")
@login_required
def index():
    args, errors = request.args, {}
    page = page_number(args)
    flt = _case_filter(args, errors)
    rows, total = hazards.list_cases(UnitOfWork(), current_user, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                                     **vars(flt))
    catalog = forms_render.Catalog.deployed()
    return render_template("cases.html", cases=rows, total=total, page=page, pages=page_count(total, PAGE_SIZE),
                           args=args, errors=errors, grades=GRADES, statuses=STATUSES, sources=SOURCES,
                           enterprises=enterprise_choices(current_user),
                           townships=township_choices(db.session, current_user),
                           hazard_types=list(catalog.labels.get("hazard_type", {}).items()),
                           filtered=any(args.get(k) for k in FILTER_ARGS)), (400 if errors else 200)


FILTER_ARGS = ("status", "grade", "enterprise_id", "township", "hazard_type", "source", "overdue", "q", "since",
               "until")


def _case_filter(args, errors):
    """The list's filters from the query; an unknown choice is ignored, a malformed day named in `errors`."""
    days = read_days(args, ("since", "until"), errors)
    if days["since"] and days["until"] and days["since"] > days["until"]:
        errors["until"] = _("结束日期不能早于开始日期")
    return hazards.CaseFilter(status=_known(args.get("status"), STATUSES), grade=_known(args.get("grade"), GRADES),
                              source=_known(args.get("source"), SOURCES),
                              enterprise_id=int_or_none(args.get("enterprise_id")),
                              township=args.get("township", "").strip()[:100],
                              hazard_type=(args.get("hazard_type") or "").strip()[:64] or None,
                              overdue=args.get("overdue") == "1", q=args.get("q", "").strip()[:hazards.MAX_QUERY],
                              since=days["since"], until=days["until"])


@bp.route("/cases/export.csv")
@login_required
def export():
    """The case ledger (隐患台账) of the list's filters as CSV for Excel; only the cases the user may see."""
    return csv_download(_ledger(request.args), f"hazard-ledger-{clock.local_now():%Y%m%d-%H%M}.csv")


@bp.route("/cases/export.xlsx")
@login_required
def export_xlsx():
    """The same ledger as an Excel workbook."""
    return xlsx_download(_ledger(request.args), f"hazard-ledger-{clock.local_now():%Y%m%d-%H%M}.xlsx",
                         _("隐患台账"))


def _ledger(args):
    """The ledger's rows, a header first, for the list's filters in `args`; only the cases the user may see."""
    errors = {}
    flt = _case_filter(args, errors)
    if errors:  # a malformed filter is a 400, not a file of everything
        abort(400, next(iter(errors.values())))
    rows = hazards.export_cases(UnitOfWork(), current_user, **vars(flt))
    catalog = forms_render.Catalog.deployed()
    lines = [[_("案件编号"), _("企业"), _("统一社会信用代码"), _("乡镇/园区"), _("行业"), _("地点"), _("隐患类型"),
              _("隐患描述"), _("评分"), _("隐患等级"), _("状态"), _("当前环节"), _("整改轮次"), _("登记时间"),
              _("整改期限"), _("复核期限"), _("销号时间"), _("来源")]]
    for c in rows:
        lines.append([c.code, c.enterprise.name, c.enterprise.credit_code, c.enterprise.township,
                      c.enterprise.industry, c.place, catalog.show("hazard_type", c.hazard_type), c.description,
                      c.score, catalog.show("grade", c.grade) if c.grade else "", catalog.show("status", c.status),
                      names.step_name(c.current_step), c.round, csv_moment(c.registered_at),
                      csv_moment(c.rectification_due), csv_moment(c.verification_due), csv_moment(c.closed_at),
                      names.label(SOURCES, c.source)])
    return lines


@bp.route("/cases/<int:case_id>")
@login_required
def show(case_id):
    case = hazards.get_case(UnitOfWork(), current_user, case_id)  # 404 for cases the user may not see
    return render_template("case.html", case=case, **case_context(case))


def case_context(case):
    """What the case and task pages show about a case: facts, deadlines, open tasks, files and history."""
    catalog = forms_render.Catalog(case.process_version.forms)
    catalog.labels["enterprise_id"] = {str(case.enterprise_id): case.enterprise.name}
    files = attachments.for_case(db.session, case.id)
    events = audit.history(UnitOfWork(), case.id)
    names = users.display_names(db.session, (e.actor_id for e in events))
    open_tasks = tasks.for_case(db.session, case.id)
    submissions = [e for e in events if e.action == "task_completed"]
    return {"catalog": catalog, "files_by_id": {a.public_id: a for a in files},
            "attachment_rows": _attachment_rows(files, catalog),
            "photo_checks": {a.public_id: photo_metadata.assess(a, case) for a in files}, "events": events, "actor_names": names,
            "open_tasks": open_tasks, "deadlines": _deadlines(case), "last_submission": submissions[-1]
            if submissions else None, "may_work_on": lambda t: may_work_on(current_user, t),
            "may_reassign": may_reassign(current_user), "candidates_for": reassign_candidates,
            "documents": case_documents.available(case, events),
            "objections": objections.for_case(db.session, case.id),
            "follow_ups": followups.for_case(db.session, case.id),
            "notice_receipts": notice_receipts.for_case(db.session, case.id),
            "notice_round": notice_receipts.notice_round(case),
            "may_acknowledge": notice_receipts.may_acknowledge(current_user, case),
            "may_raise_objection": objections.may_raise(current_user, case)}


def _deadlines(case):
    """(label, moment, is the running one) for each deadline the case has had."""
    running = {"assigning": "assignment_due", "rectifying": "rectification_due", "verifying": "verification_due"}
    current = running.get(case.status)
    return [(label, getattr(case, name), name == current)
            for name, label in (("assignment_due", _("指派期限")), ("rectification_due", _("整改期限")),
                                ("verification_due", _("复核期限"))) if getattr(case, name)]


def _attachment_rows(files, catalog):
    """Attachments grouped by form field; before/after photos share a row so they can be compared."""
    groups = {}
    for item in files:
        groups.setdefault(item.field or "", []).append(item)
    rows, placed = [], set()
    for name, items in groups.items():
        if name in placed:
            continue
        group = [(name, catalog.title(name) if name else _("附件"), items)]
        partner = "after_" + name[len("before_"):] if name.startswith("before_") else None
        if partner in groups:
            group.append((partner, catalog.title(partner), groups[partner]))
            placed.add(partner)
        rows.append(group)
    return rows


def may_reassign(user):
    return user.has_role("project_lead", "admin")


def reassign_candidates(task):
    return users.holders_of_role(db.session, task.role, task.enterprise_id)


def enterprise_choices(user):
    """Enterprises for a filter or the registration form: those the user may see (a township office's area), none
    for enterprise staff, who see only their own."""
    if user.roles <= {"enterprise"}:
        return []
    return visible_enterprises(db.session, user).order_by(Enterprise.name).all()


# ---- registering a hazard -------------------------------------------------------------------------------------
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
        return _register_page(form, raw, visit=visit, checked=checked, alarm=alarm, report=report, drill=drill,
                              emergency=emergency)
    raw = request.form.to_dict(flat=False)
    visit = _visit(request.form.get("inspection_visit_id"))
    checked = _checked_item(visit, request.form.get("checklist_item_id"))
    alarm = _iot_alarm(request.form.get("iot_alarm_id"))
    report = _public_report(request.form.get("public_report_id"))
    drill = _drill_problem(request.form.get("drill_id"), request.form.get("drill_problem")) or \
        _return_visit_finding(request.form.get("return_visit_id"), request.form.get("return_visit_finding"))
    emergency = _emergency(request.form.get("emergency_id"))
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
            case_id, code = case.id, case.code
            uow.commit()
    except ValidationFailed as exc:
        return _register_page(form, raw, exc.fields, exc.message, visit=visit, checked=checked, alarm=alarm,
                              report=report, drill=drill, emergency=emergency), 400
    flash(_("隐患已登记，编号 %(code)s", code=code), "success")
    return redirect(url_for("cases.show", case_id=case_id))


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
                   drill=None, emergency=None):
    errors = errors or {}
    own = [] if hazards.registers_for_any_enterprise(current_user) else [current_user.enterprise]  # self-check
    rows = forms_render.build(form, raw, errors, enterprises=own or enterprise_choices(current_user),
                              files=forms_render.describe_files(db.session, current_user,
                                                                forms_render.file_ids(form, raw)))
    known = {f.name for row in rows for f in row} | {"risk_point_id"}
    only = visit.enterprise_id if visit is not None else (own[0].id if own else None)
    return render_template("register.html", form=form, rows=rows, message=message, visit=visit, checked=checked,
                           alarm=alarm, public_report=report, drill=drill, emergency=emergency,
                           self_check=bool(own),
                           other_errors={k: v for k, v in errors.items() if k not in known},
                           risk_choices=risk_points.choices_for_cases(db.session, current_user, only),
                           risk_point_id=(raw.get("risk_point_id") or [""])[0], risk_point_error=forms_render.bilingual(
                               errors["risk_point_id"]) if errors.get("risk_point_id") else None)


# ---- attachments ---------------------------------------------------------------------------------------------
@bp.route("/attachments", methods=["POST"])
@login_required
def upload():
    upload = request.files.get("file")
    field = request.form.get("field", "")[:64]
    if upload is None or not upload.filename:
        return jsonify(error="validation_failed", message=_("请选择要上传的文件"), fields={"file": "required"}), 400
    try:
        with UnitOfWork() as uow:
            stored = attachments.store_upload(uow, current_user, upload.filename, upload.stream,
                                              upload_dir=current_app.config["UPLOAD_DIR"],
                                              max_bytes=current_app.config["MAX_UPLOAD_BYTES"], field=field,
                                              max_video_bytes=current_app.config["MAX_VIDEO_BYTES"],
                                              device_position=uploads.device_position())
            body = {"id": stored.public_id, "name": stored.original_name, "content_type": stored.content_type,
                    "size": stored.size, "url": url_for("cases.attachment", public_id=stored.public_id)}
            uow.commit()
    except ValidationFailed as exc:
        return jsonify(error=exc.code, message=forms_render.bilingual(exc.message), fields=exc.fields), 400
    return jsonify(body), 201


@bp.route("/attachments/<public_id>")
@login_required
def attachment(public_id):
    item, path = attachments.open_for_user(UnitOfWork(), current_user, public_id, current_app.config["UPLOAD_DIR"])
    if not path.is_file():
        abort(404)
    # Images and videos open in the browser (a video with range requests, so it can be sought); PDFs download.
    response = send_file(path, mimetype=item.content_type, as_attachment=not (item.is_image or item.is_video),
                         download_name=item.original_name, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    response.cache_control.private = True
    response.cache_control.public = False
    return response


def _known(value, table):
    return value if value in table else None
