"""marshmallow schemas of the API: request bodies, query strings and responses (also feed openapi.json)."""
from marshmallow import EXCLUDE, Schema, fields, validate

from ...clock import SHANGHAI, clock
from ...models import FOLLOW_UP_RESULTS, GRADES, OBJECTION_SUBJECTS
from ...models.hazard_case import SOURCES, STATUSES
from ...services import measurement_kinds
from ...services.hazards import CLIENT_REF, CLIENT_REF_RULE

MAX_PAGE = 200


class LocalDateTime(fields.DateTime):
    """Aware datetimes out as ISO 8601 in Asia/Shanghai (+08:00); naive input is taken as Shanghai time."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.astimezone(SHANGHAI).isoformat()

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


class QuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # stray query parameters (cache busters) are ignored, typos in known ones are not


class PageQuery(QuerySchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_PAGE))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


# ---- auth ---------------------------------------------------------------------------------------------
class TokenRequestSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, validate=validate.Length(1, 256))
    # The authenticator app's current code, for users with two-factor login (401 otp_required without it).
    otp = fields.String(validate=validate.Length(1, 16))


class TokenSchema(Schema):
    token = fields.String(required=True)
    expires_in = fields.Integer(required=True, metadata={"description": "seconds"})


# ---- hazard cases -------------------------------------------------------------------------------------
class CaseSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    grade = fields.String(allow_none=True, metadata={"enum": list(GRADES)})
    score = fields.Integer()
    enterprise_id = fields.Integer()
    enterprise_name = fields.Function(lambda case: case.enterprise.name, metadata={"type": "string"})
    current_step = fields.String()
    round = fields.Integer()
    registered_at = LocalDateTime()
    assignment_due = LocalDateTime(allow_none=True)
    rectification_due = LocalDateTime(allow_none=True)
    verification_due = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    hazard_type = fields.String()
    place = fields.String()
    description = fields.String()
    legal_major = fields.Boolean()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    process_version = fields.Function(lambda case: case.process_version.version, metadata={"type": "integer"})
    source = fields.String(metadata={"enum": list(SOURCES), "description": "inspection (the contractor's), "
                                     "supervision (the bureau's own check) or the enterprise's own self-check report "
                                     "(企业自查上报)"})
    inspection_visit_id = fields.Integer(allow_none=True, metadata={
        "description": "the inspection visit (排查记录) the hazard was registered from, if any"})
    risk_point_id = fields.Integer(allow_none=True, metadata={
        "description": "the enterprise's risk point (风险点, GET /api/v1/enterprises/{id}/risk-points) the hazard "
                       "was found at, if the registration named one"})
    deadlines_provisional = fields.Boolean(metadata={
        "description": "a deadline reaches into a year without an official holiday schedule yet; it is "
                       "recomputed when that year's schedule is imported"})


class RegistrationRefSchema(Schema):
    """What a registration takes beside the form's fields (the form's JSON Schema is the rest of the body)."""

    class Meta:
        unknown = EXCLUDE

    client_ref = fields.String(validate=[validate.Length(16, 64), validate.Regexp(
        CLIENT_REF, error=f"客户端编号无效 / invalid client_ref: {CLIENT_REF_RULE}")], metadata={
        "description": "the device's own reference of this registration (a UUID made when the hazard was captured, "
                       "offline perhaps): sending it again returns the case made under it (200) instead of a second "
                       "case; unique per user, compared exactly as sent"})


class CaseListSchema(Schema):
    items = fields.List(fields.Nested(CaseSchema))
    total = fields.Integer()


class CaseQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(list(STATUSES)))
    grade = fields.String(validate=validate.OneOf(list(GRADES)))
    enterprise_id = fields.Integer(validate=validate.Range(min=1))
    township = fields.String(validate=validate.Length(max=100), metadata={"description": "乡镇/园区 of the enterprise"})
    hazard_type = fields.String(validate=validate.Length(max=64))
    source = fields.String(validate=validate.OneOf(list(SOURCES)))
    overdue = fields.Boolean(load_default=False, metadata={
        "description": "only cases whose running deadline (assignment, rectification, verification) has passed"})
    q = fields.String(validate=validate.Length(max=100), metadata={
        "description": "a case code, place, description or enterprise name containing it"})
    since = fields.Date(metadata={"description": "registered on or after this day (Shanghai)"})
    until = fields.Date(metadata={"description": "registered on or before this day (Shanghai)"})


class MapQuery(CaseQuery):
    """The case list's filters without paging; without `status`, the cases not closed."""
    class Meta:
        exclude = ("limit", "offset")


class GeoJsonSchema(Schema):
    type = fields.String(metadata={"enum": ["FeatureCollection"]})
    features = fields.List(fields.Dict(), metadata={
        "description": "Point features [lng, lat]; properties id, code, grade, status, overdue, enterprise, place"})
    matching = fields.Integer(metadata={"description": "cases matching the filters"})
    located = fields.Integer(metadata={"description": "of them, with coordinates"})
    shown = fields.Integer(metadata={"description": "features given (at most 5000, newest first)"})


class HistoryEventSchema(Schema):
    at = LocalDateTime(attribute="created_at")
    actor = fields.String(attribute="actor_name")
    action = fields.String()
    task = fields.String(attribute="task_name")
    changes = fields.Dict(keys=fields.String(), metadata={"description": "{field: [before, after]}"})
    details = fields.Dict()
    reason = fields.String()


class HistorySchema(Schema):
    items = fields.List(fields.Nested(HistoryEventSchema))


# ---- tasks --------------------------------------------------------------------------------------------
def _is_overdue(task):
    return task.due_at is not None and task.due_at < clock.now()


class TaskSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    case_code = fields.Function(lambda task: task.case.code, metadata={"type": "string"})
    name = fields.String()
    role = fields.String()
    form_key = fields.String()
    grade = fields.String(allow_none=True)
    due_at = LocalDateTime(allow_none=True)
    overdue = fields.Function(_is_overdue, metadata={"type": "boolean"})
    assignee = fields.Function(lambda task: task.assignee.username if task.assignee else None,
                               allow_none=True, metadata={"type": "string"})
    claimed_at = LocalDateTime(allow_none=True)
    enterprise_id = fields.Integer()
    deadlines_provisional = fields.Function(lambda task: bool(task.case.deadlines_provisional), metadata={
        "type": "boolean", "description": "the case's deadlines are provisional (see Case.deadlines_provisional)"})
    draft_saved_at = LocalDateTime(allow_none=True, metadata={
        "description": "when a draft of the form was last saved (PUT /tasks/{id}/draft); null without one"})


class TaskListSchema(Schema):
    items = fields.List(fields.Nested(TaskSchema))
    total = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "all, mine, overdue and grade:<grade>"})


class CaseTasksSchema(Schema):
    items = fields.List(fields.Nested(TaskSchema))


class TaskDetailSchema(TaskSchema):
    form = fields.Dict(metadata={"description": "the task's form: {schema: JSON Schema, ui: display hints}"})
    draft = fields.Dict(allow_none=True, metadata={"description": "the saved draft's form values, or null"})
    draft_saved_by = fields.String(allow_none=True, metadata={"description": "username of who saved the draft"})
    can_work = fields.Boolean(metadata={"description": "whether the caller may claim and complete it"})
    case = fields.Nested(CaseSchema)


class TaskQuery(PageQuery):
    grade = fields.String(validate=validate.OneOf(list(GRADES)))
    overdue = fields.Boolean(load_default=False)
    enterprise_id = fields.Integer(validate=validate.Range(min=1))
    due_before = LocalDateTime()
    mine = fields.Boolean(load_default=False)


class ReassignSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    reason = fields.String(required=True, validate=validate.Length(1, 2000))


class DraftSchema(Schema):
    data = fields.Dict(keys=fields.String(), required=True, metadata={
        "description": "the form's values so far: what is given must be valid, nothing is required yet"})


class CompleteSchema(Schema):
    data = fields.Dict(keys=fields.String(), required=True,
                       metadata={"description": "the fields of the task's form (see GET /tasks/{id})"})


# ---- attachments and errors ---------------------------------------------------------------------------
class AttachmentSchema(Schema):
    id = fields.String(attribute="public_id")
    content_type = fields.String()
    size = fields.Integer()
    name = fields.String(attribute="original_name")
    taken_at = LocalDateTime(allow_none=True, metadata={"description": "when the photo was taken (EXIF)"})
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    location_source = fields.String(allow_none=True, metadata={
        "enum": ["exif", "device"], "description": "exif: the photo's GPS tags; device: the uploading device's "
        "position (form fields device_latitude, device_longitude of the upload)"})


class ErrorSchema(Schema):
    error = fields.String(required=True)
    message = fields.String(required=True)
    field_errors = fields.Dict(data_key="fields", metadata={"description": "field name -> message"})


# ---- objections ---------------------------------------------------------------------------------------
class ObjectionSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    subject = fields.String(metadata={"enum": list(OBJECTION_SUBJECTS)})
    text = fields.String()
    raised_by = fields.Function(lambda o: o.raised_by.username, metadata={"type": "string"})
    raised_at = LocalDateTime()
    reply_due = LocalDateTime(metadata={"description": "three working days after it was raised"})
    reply = fields.String(allow_none=True)
    accepted = fields.Boolean(allow_none=True)
    replied_by = fields.Function(lambda o: o.replied_by.username if o.replied_by else None, allow_none=True,
                                 metadata={"type": "string"})
    replied_at = LocalDateTime(allow_none=True)


class ObjectionListSchema(Schema):
    items = fields.List(fields.Nested(ObjectionSchema))


class ObjectionRequestSchema(Schema):
    subject = fields.String(required=True, validate=validate.OneOf(list(OBJECTION_SUBJECTS)))
    text = fields.String(required=True, validate=validate.Length(1, 2000))


class ObjectionAnswerSchema(Schema):
    reply = fields.String(required=True, validate=validate.Length(1, 2000))
    accepted = fields.Boolean(required=True, metadata={"description": "the objection is upheld"})


class RegradeRequestSchema(Schema):
    """Grading a case again during rectification (重新定级): the review panel's score and finding."""
    review_score = fields.Integer(required=True, strict=True, metadata={"description": "0-100, lower is worse"})
    review_legal_major = fields.Boolean(load_default=False,
                                        metadata={"description": "a legal major-hazard criterion is met"})
    review_reason = fields.String(required=True, validate=validate.Length(1, 2000))
    deadline_days = fields.Integer(load_default=None, allow_none=True, strict=True,
                                   metadata={"description": "working days from now; default: the new grade's"})


# ---- re-inspections of closed cases -------------------------------------------------------------------
class MeasurementSchema(Schema):
    """A reading taken on site (现场检测数据), judged by the server against its kind's limit as it was then."""
    kind = fields.String(metadata={"description": "a code of the catalogue (app/data/measurement_kinds.json)"})
    name = fields.String()
    name_en = fields.String()
    unit = fields.String()
    value = fields.Function(lambda m: float(m.value), metadata={"type": "number"})
    limit = fields.Function(lambda m: m.limit_rule, metadata={
        "type": "object", "description": "{min, min_inclusive, max, max_inclusive} as decimal strings; {}: none"})
    limit_text = fields.Function(lambda m: measurement_kinds.limit_text(m.limit_rule, m.unit),
                                 metadata={"type": "string"})
    verdict = fields.String(metadata={"enum": list(measurement_kinds.VERDICTS)})
    exceeded = fields.Boolean()
    location = fields.String()
    instrument = fields.String()
    calibration_no = fields.String()
    instrument_id = fields.Integer(allow_none=True, metadata={
        "description": "the equipment register's instrument (GET /api/v1/equipment), null for one typed as text"})
    note = fields.String()


MEASUREMENTS_IN = {"description": "readings taken on site (at most 30): [{kind, value, location, instrument_id?, "
                                  "instrument?, calibration_no?, note?}]; each judged against its kind's limit; "
                                  "instrument_id picks an in-service instrument of the equipment register, whose "
                                  "name and certificate number the server fills in (400 when its calibration was "
                                  "overdue on the measurement's day)"}
FILES_IN = {"description": "public ids of the caller's own uploads (POST /attachments) to keep with the record"}


def measurements_in():
    return fields.List(fields.Raw(), load_default=None, metadata=MEASUREMENTS_IN)


def files_in():
    return fields.List(fields.String(), load_default=None, metadata=FILES_IN)


class FollowUpSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    sequence = fields.Integer(metadata={"description": "1: within a week of closing, 2: a month after"})
    not_before = fields.Date()
    due_on = fields.Date()
    result = fields.String(allow_none=True, metadata={"enum": list(FOLLOW_UP_RESULTS)})
    notes = fields.String()
    done_at = LocalDateTime(allow_none=True)
    done_by = fields.Function(lambda f: f.done_by.username if f.done_by else None, allow_none=True,
                              metadata={"type": "string"})
    measurements = fields.List(fields.Nested(MeasurementSchema))
    files = fields.List(fields.Nested(AttachmentSchema))


class FollowUpListSchema(Schema):
    items = fields.List(fields.Nested(FollowUpSchema))


class FollowUpRecordSchema(Schema):
    result = fields.String(required=True, validate=validate.OneOf(list(FOLLOW_UP_RESULTS)))
    notes = fields.String(load_default="", validate=validate.Length(max=2000))
    measurements = measurements_in()
    files = files_in()


# ---- notice acknowledgements -------------------------------------------------------------------------
class NoticeReceiptSchema(Schema):
    round = fields.Integer()
    signed_by = fields.Function(lambda r: r.signed_by.username, metadata={"type": "string"})
    signed_at = LocalDateTime()


class NoticeReceiptListSchema(Schema):
    items = fields.List(fields.Nested(NoticeReceiptSchema))
    current_round = fields.Integer(allow_none=True, metadata={
        "description": "the round whose notice can be signed for now; null before assignment and after closing"})
