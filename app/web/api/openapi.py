"""GET /api/v1/openapi.json: OpenAPI 3.1 generated from the URL map and the marshmallow schemas.

Paths come from the blueprint's routes, so a route cannot be missing from the document; `OPERATIONS` adds what
each one takes and returns. Form bodies are JSON Schemas of the deployed process version, copied in as they are.
"""
import re

from flask import current_app
from marshmallow import fields, missing, validate

from ...models import ROLES
from ...services import processes
from ...services.hazards import REGISTRATION_FORM
from ...services.uow import UnitOfWork
from . import (alert_rules as ar, api, bureau_notices as bn, campaigns as cp, checklist_versions as cv, checklists, complaints,
               cooperation, credit, emergencies as em, enforcement as ef, enterprise_documents as ed,
               enterprise_map as emap, hazard_sources as hs, inspections, iot, kpi, liaison as li, major_hazards as mh,
               meetings as mt, oversight, performance as pf, periodic_reports as prr, ratings, public_hazards as ph,
               public_reports as pr, rectification_checks as rc, referrals as rf, resources, return_visits as rv,
               risk_points as rp, schemas as s, service_projects as sp, service_reports as sr, spot_checks,
               supplies as su, trainings as tr, typical_cases as tc, visit_checkins as vc, visit_review as vr,
               warning_cases as wc)

_SIMPLE_TYPES = [(fields.Boolean, "boolean"), (fields.Integer, "integer"), (fields.Number, "number"),
                 (fields.String, "string"), (fields.Dict, "object"), (fields.List, "array")]
_ERROR_STATUSES = {"400": "invalid input", "401": "missing, invalid or expired token", "403": "not allowed",
                   "404": "not found or not visible to the caller", "409": "conflict with the task's or case's state"}

# endpoint -> (summary, tag, request body, query schema, {status: response schema or description})
OPERATIONS = {
    "create_token": ("Exchange username and password (and `otp`, the authenticator code, for users with two-factor "
                     "login) for a bearer token", "auth", s.TokenRequestSchema, None,
                     {"200": s.TokenSchema}),
    "openapi_document": ("This document", "meta", None, None, {"200": "OpenAPI 3.1 document"}),
    "register_hazard": ("Register a hazard (inspector; enterprise staff report their own: source self_check). With "
                        "`client_ref` a retry never makes a second case: the first time 201, again (the same user, "
                        "the same `client_ref`) 200 with the case made then", "hazards", "HazardRegistration", None,
                        {"201": s.CaseSchema, "200": s.CaseSchema}),
    "list_hazards": ("List visible hazard cases (enterprise staff: their enterprise's; township offices: their "
                     "townships' / parks'; every other role: all)", "hazards", None, s.CaseQuery,
                     {"200": s.CaseListSchema}),
    "get_hazard": ("One hazard case (404 when not visible to the caller: another enterprise's, another area's)",
                   "hazards", None, None, {"200": s.CaseSchema}),
    "rectification_checks_list": ("Supervision checks of a case's rectification (整改过程督导检查) and when the next "
                                  "is due", "hazards", None, None, {"200": rc.RectificationCheckListSchema}),
    "record_rectification_check": ("Record a supervision check of a case under rectification (supervision group, "
                                   "project lead)", "hazards", rc.RectificationCheckRequestSchema, None,
                                   {"201": rc.RectificationCheckSchema}),
    "hazards_map": ("The visible cases with coordinates as GeoJSON (一张图), filtered like the list; open ones "
                    "unless `status` is given", "hazards", None, s.MapQuery, {"200": s.GeoJsonSchema}),
    "enterprises_map": ("The enterprises the caller may see that have a position, as GeoJSON (重点监管点位), each "
                        "with a `category` of the chosen colour attribute `by`; not for enterprise staff (403)",
                        "enterprises", None, emap.EnterpriseMapQuery, {"200": emap.EnterpriseGeoJsonSchema}),
    "hazard_history": ("Audit trail of a visible case", "hazards", None, None, {"200": s.HistorySchema}),
    "hazard_tasks": ("Open tasks of a case", "hazards", None, None, {"200": s.CaseTasksSchema}),
    "hazard_receipt": ("The closure receipt (销号电子回执) of a closed case, as PDF", "hazards", None, None,
                       {"200": "application/pdf"}),
    "hazard_notice": ("The rectification notice (整改通知书) of the current round, as PDF", "hazards", None, None,
                      {"200": "application/pdf"}),
    "hazard_verification_opinions": ("The verification opinions (整改验收意见书), round by round, as PDF", "hazards",
                                     None, None, {"200": "application/pdf"}),
    "hazard_objections": ("The enterprise's objections (异议) to a case and their answers", "objections", None, None,
                          {"200": s.ObjectionListSchema}),
    "raise_objection": ("Object to a case (its enterprise's staff, not after closing); answered within 3 working "
                        "days", "objections", s.ObjectionRequestSchema, None, {"201": s.ObjectionSchema}),
    "answer_objection": ("Answer an objection, once (project lead, admin)", "objections", s.ObjectionAnswerSchema,
                         None, {"200": s.ObjectionSchema}),
    "hazard_follow_ups": ("The re-inspections (销号后复查) of a closed case", "follow-ups", None, None,
                          {"200": s.FollowUpListSchema}),
    "record_follow_up": ("Record a re-inspection, once, from its first day (inspector, project team, project lead)",
                         "follow-ups", s.FollowUpRecordSchema, None, {"200": s.FollowUpSchema}),
    "hazard_notice_receipts": ("The enterprise's acknowledgements (签收) of the case's rectification notices",
                               "hazards", None, None, {"200": s.NoticeReceiptListSchema}),
    "acknowledge_notice": ("Sign for the current round's rectification notice (the case's enterprise staff)",
                           "hazards", None, None, {"201": s.NoticeReceiptSchema}),
    "regrade_hazard": ("Grade a case again during rectification (重新定级; project lead, bureau): graded by the "
                       "review's score, a new rectification period starts", "hazards", s.RegradeRequestSchema, None,
                       {"200": s.CaseSchema}),
    "list_tasks": ("The caller's task inbox", "tasks", None, s.TaskQuery, {"200": s.TaskListSchema}),
    "get_task": ("A task with its form", "tasks", None, None, {"200": s.TaskDetailSchema}),
    "claim_task": ("Claim a task", "tasks", None, None, {"200": s.TaskSchema}),
    "release_task": ("Release a claimed task", "tasks", None, None, {"200": s.TaskSchema}),
    "save_task_draft": ("Save a draft of the task's form (保存草稿) without completing it", "tasks", s.DraftSchema, None,
                        {"200": s.TaskSchema}),
    "reassign_task": ("Reassign a task (project lead, admin)", "tasks", s.ReassignSchema, None,
                      {"200": s.TaskSchema}),
    "complete_task": ("Submit a task's form; returns the updated case", "tasks", s.CompleteSchema, None,
                      {"200": s.CaseSchema}),
    "statistics": ("Statistics of the hazards registered in a period (manager, bureau, admin: the county "
                   "or a chosen township / enterprise; township office: its own area only)", "oversight", None,
                   oversight.StatisticsQuery, {"200": oversight.StatisticsSchema}),
    "audit_events": ("The audit log across cases and administration (manager, bureau, admin)", "oversight", None,
                     oversight.AuditQuery, {"200": oversight.AuditListSchema}),
    "list_checklist_items": ("Items of the standard inspection checklists (标准化检查表); with `industry`, those for an "
                             "enterprise of that industry (the general list and the industry's)", "checklists", None,
                             checklists.ChecklistQuery, {"200": checklists.ChecklistItemListSchema}),
    "visit_checks": ("An inspection visit's checklist: the items for its enterprise with their results",
                     "checklists", None, None, {"200": checklists.VisitChecksSchema}),
    "record_visit_checks": ("Record some or all of a visit's checklist results (inspector, project lead); a "
                            "nonconform result needs a note", "checklists", checklists.ChecksRequestSchema, None,
                            {"200": checklists.VisitChecksSchema}),
    "list_checklist_changes": ("Proposed changes of checklist items (标准版本管理), pending ones oldest first (technical "
                               "leads, process owners, administrators)", "checklists", None, cv.ChecklistChangeQuery,
                               {"200": cv.ChecklistChangeListSchema}),
    "approve_checklist_change": ("Approve a pending change (technical lead, not one's own proposal): it takes effect, "
                                 "the list's version rises and is archived with the lead's signature, and the "
                                 "inspection team gets the standards-update notice; 409 when already decided or the "
                                 "item changed since", "checklists", cv.ChecklistApproveSchema, None,
                                 {"200": cv.ChecklistChangeSchema}),
    "reject_checklist_change": ("Reject a pending change with a reason (technical lead); the proposer is told",
                                "checklists", cv.ChecklistRejectSchema, None, {"200": cv.ChecklistChangeSchema}),
    "checklist_versions_list": ("A checklist's archived versions, newest first (every staff role)", "checklists",
                                None, None, {"200": cv.ChecklistVersionListSchema}),
    "get_checklist_version": ("One version of a checklist: its items then, what changed from the version before, "
                              "and who approved it", "checklists", None, None, {"200": cv.ChecklistVersionSchema}),
    "get_visit": ("An inspection visit (排查记录) with its enterprise's confirmation, its team's check-ins (到场打卡) "
                  "with their flags, and its files (现场资料)", "inspections", None, None,
                  {"200": inspections.VisitSchema}),
    "check_in_visit": ("Check in at a visit (到场打卡), once, on the visit's day, for oneself (a member of its team: "
                       "its recorder or a user named among its inspectors; inspector, project lead). The time is the "
                       "server's; send the device's position, or none ({}) when it has none", "inspections",
                       vc.PositionSchema, None, {"201": inspections.VisitSchema}),
    "check_out_visit": ("Check out of a visit (离场打卡), once, after checking in and on the same day; 409 otherwise",
                        "inspections", vc.PositionSchema, None, {"200": inspections.VisitSchema}),
    "add_visit_files": ("Put one's own uploads (POST /api/v1/attachments) on a visit as its files (现场资料; "
                        "inspector, project lead)", "inspections", vc.VisitFilesRequestSchema, None,
                        {"200": inspections.VisitSchema}),
    "acknowledge_visit": ("Confirm a visit's results, once (the visited enterprise's staff), with remarks",
                          "inspections", inspections.AcknowledgeSchema, None, {"200": inspections.VisitSchema}),
    "visit_report": ("The visit's report (排查报告) as PDF", "inspections", None, None, {"200": "application/pdf"}),
    "rate_visit": ("Rate an inspection visit (满意度评价), once, from its day up to 30 days after (the visited "
                   "enterprise's staff); a score of 2 or less notifies the quality supervisors and project leads",
                   "ratings", ratings.RatingRequestSchema, None, {"201": ratings.RatingSchema}),
    "visit_ratings_list": ("A visit's ratings: all of them for the inspection team and oversight roles (anonymous "
                           "ones without the rater), their own for the visited enterprise's staff", "ratings", None,
                           None, {"200": ratings.RatingListSchema}),
    "list_complaints": ("Service complaints (服务投诉) the caller may see, in a state, with the count per state (quality "
                        "desk, project leads, bureau, managers, admins: all; enterprise staff: their enterprise's)",
                        "complaints", None, complaints.ComplaintQuery, {"200": complaints.ComplaintListSchema}),
    "raise_complaint": ("Complain about the inspection service (enterprise staff); investigated within 24 hours, "
                        "answered within 72; at most 5 unanswered per enterprise (409)", "complaints",
                        complaints.ComplaintRequestSchema, None, {"201": complaints.ComplaintSchema}),
    "get_complaint": ("One complaint; the desk's notes and an unapproved draft only for the desk, project leads and "
                      "oversight roles", "complaints", None, None, {"200": complaints.ComplaintSchema}),
    "investigate_complaint": ("Start the investigation, once (quality supervisors)", "complaints",
                              complaints.ComplaintNoteSchema, None, {"200": complaints.ComplaintSchema}),
    "answer_complaint": ("Draft the answer, after the investigation started, again until approved (quality "
                         "supervisors)", "complaints", complaints.ComplaintAnswerSchema, None,
                         {"200": complaints.ComplaintSchema}),
    "approve_complaint": ("Approve the draft, once (project leads): the answer is sent to the complainant (an "
                          "anonymous rating's: the enterprise's staff); the body is optional", "complaints",
                          complaints.ComplaintDecisionSchema, None, {"200": complaints.ComplaintSchema}),
    "return_complaint": ("Send the draft back with a note (project leads); the desk drafts again", "complaints",
                         complaints.ComplaintReturnSchema, None, {"200": complaints.ComplaintSchema}),
    "cooperation_scores": ("The monthly cooperation scores (企业配合情况综合评分) of a month, by rank: every "
                           "enterprise for the bureau, managers, quality supervisors, project leads and admins; the "
                           "caller's own enterprise only for enterprise staff", "cooperation", None,
                           cooperation.CooperationQuery, {"200": cooperation.CooperationListSchema}),
    "credit_evaluations": ("The annual credit evaluation (企业信用评价) of a year, the best score first: computed now "
                           "until the bureau confirms the closed year, then as frozen; every enterprise for the "
                           "bureau, managers, project leads, quality supervisors and admins, the area's for township "
                           "offices, the caller's own for enterprise staff", "credit", None, credit.CreditQuery,
                           {"200": credit.CreditListSchema}),
    "public_spot_checks": ("Published results of random site checks (双随机一公开), newest first; no token needed",
                           "public", None, spot_checks.PageQuerySchema, {"200": spot_checks.PublicDrawListSchema}),
    "public_spot_check": ("One published draw's results: per drawn case the enterprise, hazard type and grade, when "
                          "it was checked, the progress found and the conclusion; no token needed", "public", None,
                          None, {"200": spot_checks.PublicDrawDetailSchema}),
    "publish_spot_check_results": ("Publish a draw's results (the bureau), once every drawn case was checked on site "
                                   "(409 before, and when already published)", "supervision", None, None,
                                   {"200": spot_checks.DrawStateSchema}),
    "withdraw_spot_check_results": ("Take a draw's published results off the public page with a reason (the "
                                    "bureau)", "supervision", spot_checks.WithdrawRequestSchema, None,
                                    {"200": spot_checks.DrawStateSchema}),
    "public_hazards_list": ("The hazards the bureau opened to the public (隐患整改公众查询), newest first, by keyword "
                            "and stage; no token needed", "public", None, ph.PublicHazardQuery,
                            {"200": ph.PublicHazardListSchema}),
    "public_hazard": ("One public hazard by its code: where, what kind, its rectification deadline and stage; no "
                      "token needed", "public", None, None, {"200": ph.PublicHazardSchema}),
    "publish_hazard": ("Open a case to the public under a public title (the bureau; 409 when it already is)",
                       "hazards", ph.PublicationRequestSchema, None, {"201": ph.PublicationSchema}),
    "withdraw_hazard_publication": ("Take a case off the public query with a reason (the bureau)", "hazards",
                                    ph.WithdrawalRequestSchema, None, {"200": "the case is no longer public"}),
    "list_typical_cases": ("The typical problem case library (典型问题案例库), newest first, filtered by keyword, hazard "
                           "type, industry and quarter (every staff role; enterprise tokens: 404)", "typical-cases",
                           None, tc.TypicalCaseQuery, {"200": tc.TypicalCaseListSchema}),
    "list_service_reports": ("An enterprise's service reports (企业服务情况报告), the latest period first (project lead, "
                             "bureau, manager, quality, admin; enterprise tokens: their own enterprise's issued ones)",
                             "service-reports", None, None, {"200": sr.ServiceReportListSchema}),
    "create_service_report": ("Draft a service report of an enterprise over a period, or issue it at once with "
                              "`issue: true` (project lead); 409 when an issued report covers one of its days",
                              "service-reports", sr.ServiceReportRequestSchema, None,
                              {"201": sr.ServiceReportSchema}),
    "get_service_report": ("One service report with its facts (frozen when issued)", "service-reports", None, None,
                           {"200": sr.ServiceReportSchema}),
    "issue_service_report": ("Issue a draft (project lead): its facts are frozen, the enterprise's staff and the "
                             "bureau told; 409 when issued already or overlapping an issued report",
                             "service-reports", None, None, {"200": sr.ServiceReportSchema}),
    "withdraw_service_report": ("Withdraw an issued report with a reason (project lead): kept and readable as "
                                "withdrawn, it no longer counts for the overlap rule, so a corrected report may be "
                                "issued for the same period; the enterprise's staff and the bureau told; 409 for a "
                                "draft (edit it instead) or a report withdrawn already", "service-reports",
                                sr.ServiceReportWithdrawalSchema, None, {"200": sr.ServiceReportSchema}),
    "get_typical_case": ("One entry of the case library", "typical-cases", None, None, {"200": tc.TypicalCaseSchema}),
    "add_typical_case": ("Put a case into the library, once (409 for a second entry; project lead, quality "
                         "supervisor, bureau); fields left out are drafted from the case, the cause analysis must be "
                         "written", "typical-cases", tc.TypicalCaseRequestSchema, None,
                         {"201": tc.TypicalCaseSchema}),
    "update_typical_case": ("Edit an entry (project lead, quality supervisor, bureau): the fields given change, "
                            "those left out keep their value; with `version`, 409 when edited meanwhile",
                            "typical-cases", tc.TypicalCaseUpdateSchema, None, {"200": tc.TypicalCaseSchema}),
    "upload_attachment": ("Upload a photo or PDF", "attachments", "multipart", None, {"201": s.AttachmentSchema}),
    "download_attachment": ("Download an attachment", "attachments", None, None, {"200": "the file"}),
}
OPERATIONS.update(iot.OPERATIONS)  # IoT monitoring's entries live beside its routes (web/api/iot.py)
OPERATIONS.update(pr.OPERATIONS)  # and the public reports' (web/api/public_reports.py)
OPERATIONS.update(sp.OPERATIONS)  # so do service projects' (web/api/service_projects.py)
OPERATIONS.update(bn.OPERATIONS)  # so do the notices' (web/api/bureau_notices.py)
OPERATIONS.update(rf.OPERATIONS)  # and the referrals' (web/api/referrals.py)
OPERATIONS.update(cp.OPERATIONS)  # and the campaigns' (web/api/campaigns.py)
OPERATIONS.update(mh.OPERATIONS)  # and the major hazards' (web/api/major_hazards.py)
OPERATIONS.update(ef.OPERATIONS)  # and the enforcement outcomes' (web/api/enforcement.py)
OPERATIONS.update(ed.OPERATIONS)  # and the enterprises' safety archives' (web/api/enterprise_documents.py)
OPERATIONS.update(wc.OPERATIONS)  # and the warning cases' (web/api/warning_cases.py)
OPERATIONS.update(tr.OPERATIONS)  # and the trainings' and drills' (web/api/trainings.py)
OPERATIONS.update(li.OPERATIONS)  # and the questions' and contact log's (web/api/liaison.py)
OPERATIONS.update(resources.OPERATIONS)  # and the expert pool's and equipment register's (web/api/resources.py)
OPERATIONS.update(rv.OPERATIONS)  # and the return visits' (web/api/return_visits.py)
OPERATIONS.update(prr.OPERATIONS)  # and the periodic reports' (web/api/periodic_reports.py)
OPERATIONS.update(hs.OPERATIONS)  # and the major hazard sources' (web/api/hazard_sources.py)
OPERATIONS.update(em.OPERATIONS)  # and the emergency incident log's (web/api/emergencies.py)
OPERATIONS.update(kpi.OPERATIONS)  # and the project KPIs' (web/api/kpi.py)
OPERATIONS.update(rp.OPERATIONS)  # and the enterprises' risk registers' (web/api/risk_points.py)
OPERATIONS.update(mt.OPERATIONS)  # and the meetings' (web/api/meetings.py)
OPERATIONS.update(vr.OPERATIONS)  # and the visit reports' review (web/api/visit_review.py)
OPERATIONS.update(pf.OPERATIONS)  # and the staff scorecards' (web/api/performance.py)
OPERATIONS.update(su.OPERATIONS)  # and the emergency supplies' (web/api/supplies.py)
OPERATIONS.update(ar.OPERATIONS)  # and the alert rules' (web/api/alert_rules.py)
PUBLIC = {"create_token", "openapi_document", "public_spot_checks", "public_spot_check", "public_hazards_list",
          "public_hazard"} | pr.PUBLIC


def _name(schema_cls):
    return schema_cls.__name__.removesuffix("Schema")


class _Converter:
    """marshmallow schema classes -> JSON Schema (2020-12, as OpenAPI 3.1 uses), collecting components."""

    def __init__(self):
        self.components = {}

    def ref(self, schema_cls):
        name = _name(schema_cls)
        if name not in self.components:
            self.components[name] = {}  # placeholder first: schemas may refer to themselves
            self.components[name] = self.object(schema_cls)
        return {"$ref": f"#/components/schemas/{name}"}

    def object(self, schema_cls):
        instance = schema_cls() if isinstance(schema_cls, type) else schema_cls
        props, required = {}, []
        for name, field in instance.fields.items():
            key = field.data_key or name
            props[key] = self.field(field)
            if field.required:
                required.append(key)
        result = {"type": "object", "properties": props}
        return {**result, "required": required} if required else result

    def field(self, field):
        if isinstance(field, fields.Nested):
            nested = field.nested if isinstance(field.nested, type) else type(field.nested)
            result = self.ref(nested)
            return {"anyOf": [result, {"type": "null"}]} if field.allow_none else result
        result = {}
        if isinstance(field, fields.Date):
            result = {"type": "string", "format": "date"}
        elif isinstance(field, fields.DateTime):
            result = {"type": "string", "format": "date-time"}
        else:
            kind = next((t for cls, t in _SIMPLE_TYPES if isinstance(field, cls)), field.metadata.get("type"))
            if kind:
                result["type"] = kind
        if isinstance(field, fields.List):
            result["items"] = self.field(field.inner)
        if isinstance(field, fields.Dict) and field.value_field is not None:
            result["additionalProperties"] = self.field(field.value_field)
        for validator in field.validators:
            result.update(_validator(validator))
        for key in ("description", "enum"):
            if key in field.metadata:
                result[key] = field.metadata[key]
        if field.load_default not in (None, missing) and not callable(field.load_default):
            result["default"] = field.load_default
        if field.allow_none and "type" in result:
            result["type"] = [result["type"], "null"]
        return result

    def parameters(self, schema_cls):
        return [{"name": field.data_key or name, "in": "query", "required": field.required,
                 "schema": self.field(field)} for name, field in schema_cls().fields.items()]


def _validator(v):
    if isinstance(v, validate.OneOf):
        return {"enum": list(v.choices)}
    if isinstance(v, validate.Range):
        out = {}
        if v.min is not None:
            out["minimum" if v.min_inclusive else "exclusiveMinimum"] = v.min
        if v.max is not None:
            out["maximum" if v.max_inclusive else "exclusiveMaximum"] = v.max
        return out
    if isinstance(v, validate.Length):
        return {k: n for k, n in (("minLength", v.min), ("maxLength", v.max)) if n is not None}
    if isinstance(v, validate.Regexp):
        return {"pattern": v.regex.pattern}
    return {}


def _form_schema(conv, form_key):
    """The deployed version's JSON Schema of a form (the live contract), or a plain object if none is deployed."""
    with UnitOfWork() as uow:
        version = processes.deployed_version(uow, required=False)
        form = processes.forms_of(version).get(form_key) if version else None
    schema = dict((form or {}).get("schema") or {"type": "object"})
    schema.pop("$schema", None)
    if form_key == REGISTRATION_FORM:  # taken beside the form's fields (services/hazards.register_hazard)
        schema["properties"] = dict(schema.get("properties") or {}, inspection_visit_id={
            "type": ["integer", "null"], "description": "the inspection visit (排查记录) that found the hazard: "
            "one at the same enterprise; the hazard's found_at, when given, on the visit's day"},
            checklist_item_id={"type": ["integer", "null"], "description": "the checklist item recorded as "
                               "nonconform at that visit which the hazard is registered from (once per item)"},
            risk_point_id={"type": ["integer", "null"], "description": "the enterprise's risk point (风险点) the "
                           "hazard was found at: an active one of the same enterprise"},
            **conv.object(s.RegistrationRefSchema)["properties"])
    return schema


def _body(conv, body):
    if body is None:
        return None
    if body == "multipart":
        content = {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream"},
                           "field": {"type": "string", "description": "the form field it is meant for"},
                           "device_latitude": {"type": "number", "minimum": -90, "maximum": 90,
                                               "description": "where the device is (a photo's place when its "
                                                              "EXIF has none)"},
                           "device_longitude": {"type": "number", "minimum": -180, "maximum": 180}}}}}
    elif isinstance(body, str):
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}}
    else:
        content = {"application/json": {"schema": conv.ref(body)}}
    return {"required": True, "content": content}


def _operation(conv, endpoint, rule):
    summary, tag, body, query, responses = OPERATIONS[endpoint]
    op = {"operationId": endpoint, "summary": summary, "tags": [tag], "responses": {}}
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer" if converter == "int" else "string"}}
              for converter, name in re.findall(r"<(?:([^:<>]+):)?([^<>]+)>", rule.rule)]
    if query is not None:
        params += conv.parameters(query)
    if params:
        op["parameters"] = params
    if (request_body := _body(conv, body)) is not None:
        op["requestBody"] = request_body
    for status, schema in responses.items():
        if isinstance(schema, str):
            op["responses"][status] = {"description": schema}
        else:
            op["responses"][status] = {"description": summary,
                                       "content": {"application/json": {"schema": conv.ref(schema)}}}
    for status, text in _ERROR_STATUSES.items():
        op["responses"][status] = {"description": text, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}
    if endpoint in PUBLIC:
        op["security"] = []
    elif endpoint in iot.KEY_AUTHENTICATED:
        op["security"] = [{"deviceKey": []}]
    return op


def build_document():
    conv = _Converter()
    conv.ref(s.ErrorSchema)
    paths = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        endpoint = rule.endpoint.split(".", 1)[1]
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(conv, endpoint, rule)
    conv.components["HazardRegistration"] = _form_schema(conv, REGISTRATION_FORM)
    return {
        "openapi": "3.1.0",
        "info": {"title": "隐患排查治理 API / Hazard case management API", "version": "1",
                 "description": _roles_description(), "x-roles": list(ROLES)},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": conv.components, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "itsdangerous signed token",
                       "description": "POST /api/v1/auth/token, then `Authorization: Bearer <token>`"},
            "deviceKey": {"type": "apiKey", "in": "header", "name": "X-Device-Key",
                          "description": "a monitoring device's or an edge gateway's ingest key, shown once when "
                                         "it is made or rotated (IoT monitoring pages)"}}},
    }


def _roles_description():
    """The roles a token may carry, and which cases each sees (services/access.py)."""
    names = ", ".join(f"`{code}` ({zh} / {en})" for code, (zh, en) in ROLES.items())
    return (f"Roles: {names}. Enterprise staff see their own enterprise's cases; township / park safety offices "
            "(`township`, 属地监管) see the cases of the enterprises in the townships / parks they cover, read-only, "
            "and none while they cover none; other departments' users (`department`, 部门用户) see no case, only the "
            "referrals addressed to their department (GET /referrals, GET /referrals/{id}, POST /referrals/{id}/sign "
            "and /replies, POST /attachments; any other call is 403); every other role sees all cases. A case the "
            "caller may not see is 404.")


@api.get("/openapi.json")
def openapi_document():
    """Public, like any API description: it holds the shapes of requests, never data."""
    return build_document()

