"""Form schemas to HTML and values to text.

`build()` turns a form (JSON Schema + UI hints) and the submitted strings into one view-model per field;
templates/_form.html has one macro per widget and draws them. `Catalog` names the fields and values of every
form of a process version, for case summaries and histories. Nothing here writes to the database.
"""
import re
from dataclasses import dataclass, field as dc_field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_

from ..clock import SHANGHAI, clock, start_of_local_day
from ..models import Attachment, GRADES
from ..models.hazard_case import STATUSES
from ..services.forms import fields as schema_fields
from ..services.processes import deployed_version
from ..services.uow import UnitOfWork
from .names import action_name, event_name, is_english, step_name

FILE_WIDGETS = ("photos", "files")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def bilingual(message):
    """Service messages read "中文 / English": show the half for the current language."""
    if not message or " / " not in message:
        return message or ""
    zh, en = message.split(" / ", 1)
    return en if is_english() else zh


# ---- one view-model per field --------------------------------------------------------------------------
@dataclass
class Field:
    name: str
    widget: str
    title: str
    help: str
    required: bool
    values: list
    error: str = ""
    options: list = dc_field(default_factory=list)  # [(value string, label)]
    attrs: dict = dc_field(default_factory=dict)  # min / max / step / maxlength / pattern
    files: list = dc_field(default_factory=list)  # [(public id, name, is image)] for photos/files

    @property
    def value(self):
        return self.values[-1] if self.values else ""


def build(form, raw=None, errors=None, enterprises=(), files=None):
    """Rows of fields (a row holds two when before/after photos sit side by side).

    raw: the submitted strings (name -> list), so a form re-rendered after an error loses nothing.
    """
    raw, errors, files = raw or {}, errors or {}, files or {}
    required = set(form.get("schema", {}).get("required", []))
    built = []
    for name, prop, ui in schema_fields(form):
        widget = widget_for(prop, ui)
        values = [v for v in raw.get(name, []) if v is not None]
        item = Field(name=name, widget=widget, title=_title(prop, ui), help=_help(ui),
                     required=name in required, values=values,
                     error=friendly_error(errors.get(name), prop) if errors.get(name) else "",
                     options=_enterprise_options(enterprises) if widget == "enterprise" else options(prop, ui),
                     attrs=_attrs(prop, widget))
        if widget in FILE_WIDGETS:
            item.values = [v for v in values if v]
            item.files = [(v, *files.get(v, (v, widget == "photos"))) for v in item.values]
        built.append(item)
    return _pair_before_after(built)


def widget_for(prop, ui):
    widget, kind = ui.get("widget", ""), prop.get("type")
    if widget in FILE_WIDGETS:
        return widget
    if kind == "array":
        return "files"
    if widget in ("textarea", "enterprise", "radio", "slider", "gps", "money", "tel"):
        return widget
    if kind == "boolean":
        return "checkbox"
    if prop.get("enum") or ui.get("options"):
        return "select"
    if prop.get("format") == "date-time" or widget == "datetime":
        return "datetime"
    if prop.get("format") == "date" or widget == "date":
        return "date"
    if kind in ("integer", "number"):
        return "number"
    return "text"


def options(prop, ui):
    if ui.get("options"):
        key = "title_en" if is_english() else "title"
        return [(_as_input(o.get("value")), o.get(key) or o.get("title") or str(o.get("value")))
                for o in ui["options"]]
    return [(_as_input(v), str(v)) for v in prop.get("enum", [])]


def _enterprise_options(enterprises):
    return [(str(e.id), e.name) for e in enterprises]


def _as_input(value):
    """The string an HTML control submits for a JSON value (true -> "true")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _title(prop, ui):
    return (ui.get("title_en") if is_english() and ui.get("title_en") else prop.get("title")) or ""


def _help(ui):
    return (ui.get("help_en") if is_english() and ui.get("help_en") else ui.get("help")) or ""


def _attrs(prop, widget):
    attrs = {}
    for key, attr in (("minimum", "min"), ("maximum", "max"), ("maxLength", "maxlength"), ("pattern", "pattern")):
        if key in prop:
            attrs[attr] = prop[key]
    if prop.get("type") == "integer":
        attrs["step"] = 1
    elif prop.get("type") == "number":
        attrs["step"] = "0.01" if widget == "money" else "any"
    return attrs


def _pair_before_after(built):
    """Before/after photos side by side, and latitude beside longitude."""
    by_name = {f.name: f for f in built}
    rows, placed = [], set()
    for index, item in enumerate(built):
        if item.name in placed:
            continue
        partner = by_name.get("after_" + item.name[len("before_"):]) if item.name.startswith("before_") else None
        if partner is None and item.widget == "gps" and index + 1 < len(built) and built[index + 1].widget == "gps":
            partner = built[index + 1]
        if partner is not None:
            rows.append([item, partner])
            placed.add(partner.name)
        else:
            rows.append([item])
    return rows


def form_title(form):
    return (form.get("title_en") if is_english() and form.get("title_en") else
            form.get("schema", {}).get("title")) or ""


def form_description(form):
    return (form.get("description_en") if is_english() and form.get("description_en") else
            form.get("schema", {}).get("description")) or ""


# ---- submitted strings -----------------------------------------------------------------------------------
def normalize(form, raw):
    """Browser strings to what the schema expects: a datetime-local "2026-11-23T09:30" is Shanghai time."""
    result = {k: list(v) for k, v in raw.items()}
    for name, prop, ui in schema_fields(form):
        if widget_for(prop, ui) == "datetime" and result.get(name):
            result[name] = [_local_to_rfc3339(v) for v in result[name]]
    return result


def _local_to_rfc3339(value):
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return value  # left as typed; validation names the field
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.isoformat(timespec="seconds")


def datetime_input(value):
    """A stored RFC 3339 string back into what a datetime-local control shows."""
    if not value or not _ISO_MOMENT.match(value):
        return value or ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(SHANGHAI)
    return moment.strftime("%Y-%m-%dT%H:%M")


def to_raw(form, data):
    """Stored form values (a saved draft) as the strings the form's controls show: what `normalize` and
    `forms.coerce` turn back into the same values."""
    raw = {}
    for name, prop, ui in schema_fields(form):
        value = data.get(name)
        if value is None:
            continue
        if isinstance(value, list):
            raw[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            raw[name] = ["true" if value else "false"]
        elif widget_for(prop, ui) == "datetime":
            raw[name] = [datetime_input(value)]
        else:
            raw[name] = [str(value)]
    return raw


def file_ids(form, raw):
    return [v for name, prop, ui in schema_fields(form) if widget_for(prop, ui) in FILE_WIDGETS
            for v in raw.get(name, []) if v]


def describe_files(session, user, public_ids, case_id=None):
    """{public id: (name, is image)} for the user's own uploads among the ids (re-rendered forms), and for files
    already on the case `case_id` (a saved draft's)."""
    if not public_ids:
        return {}
    mine = Attachment.uploader_id == user.id
    rows = session.query(Attachment).filter(Attachment.public_id.in_(public_ids),
                                            mine if case_id is None else or_(mine, Attachment.case_id == case_id))
    return {a.public_id: (a.original_name, a.is_image) for a in rows}


def friendly_error(message, prop):
    """jsonschema speaks English developer-ese; say what to fix in the user's language."""
    text = str(message)
    checks = [
        ("required", lambda: _("必填项")),
        ("is not of type 'integer'", lambda: _("请输入整数")),
        ("is not of type 'number'", lambda: _("请输入数字")),
        ("is not of type", lambda: _("格式不正确")),
        ("is less than the minimum", lambda: _("不能小于 %(n)s", n=prop.get("minimum"))),
        ("is greater than the maximum", lambda: _("不能大于 %(n)s", n=prop.get("maximum"))),
        ("does not match", lambda: _("格式不正确")),
        ("is too long", lambda: _("内容过长（最多 %(n)s）", n=prop.get("maxLength") or prop.get("maxItems"))),
        ("should be non-empty", lambda: _("至少需要 %(n)s 项", n=prop.get("minItems", 1))),
        ("is too short", lambda: _("至少需要 %(n)s 项", n=prop.get("minItems", 1))
         if prop.get("type") == "array" else _("必填项")),
        ("is not one of", lambda: _("请从列表中选择")),
        ("was expected", lambda: _("请勾选此项")),
        ("is not a", lambda: _("格式不正确")),
        ("has non-unique elements", lambda: _("有重复的附件")),
    ]
    for needle, say in checks:
        if needle in text:
            return say()
    return bilingual(text)


# ---- names and values for summaries and histories -----------------------------------------------------------
def tracked_titles():
    return {"grade": _("隐患等级"), "status": _("状态"), "round": _("整改轮次"), "current_step": _("当前环节"),
            "assignment_due": _("指派期限"), "rectification_due": _("整改期限"),
            "verification_due": _("复核期限"), "closed_at": _("销号时间"), "assignee": _("处理人"),
            "inspection_visit": _("排查记录"), "checklist_item": _("检查项"), "risk_point": _("风险点"),
            # referrals to other departments and joint meetings (services/referrals.py, joint_meetings.py)
            "department": _("部门"), "held_on": _("会议日期"),
            "treatment_plan": _("重大隐患治理方案附件"),
            # readings and files of a supervision check or a re-inspection (services/site_measurements.py)
            "measurements": _("现场检测数据"), "measurement_files": _("现场照片及文件"),
            # a dispatched expert (services/expert_matching.py)
            "expert": _("调派专家")}


class Catalog:
    """Titles, option labels and attachment fields of every form of one process version."""

    def __init__(self, forms_by_key):
        self.titles, self.labels, self.file_fields = {}, {}, set()
        for form in (forms_by_key or {}).values():
            for name, prop, ui in schema_fields(form):
                self.titles.setdefault(name, _title(prop, ui) or name)
                if options(prop, ui) and prop.get("type") != "boolean":
                    self.labels.setdefault(name, dict(options(prop, ui)))
                if widget_for(prop, ui) in FILE_WIDGETS:
                    self.file_fields.add(name)
        self.titles.update(tracked_titles())

    @classmethod
    def deployed(cls):
        """The catalog of the deployed process version (empty before any deployment), for pages about many
        cases at once; a single case's page uses its own version's."""
        version = deployed_version(UnitOfWork(), required=False)
        return cls(version.forms if version is not None else {})

    def title(self, name):
        return self.titles.get(name, name)

    def is_file_field(self, name):
        return name in self.file_fields

    def show(self, name, value):
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if name in ("grade", "status"):
            table = GRADES if name == "grade" else STATUSES
            names = table.get(value)
            return (names[1] if is_english() else names[0]) if names else str(value)
        if isinstance(value, datetime):
            return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, str) and _ISO_MOMENT.match(value):
            return _local_text(value)
        if isinstance(value, list):
            return (", " if is_english() else "、").join(self.show(name, v) for v in value)
        return self.labels.get(name, {}).get(_as_input(value), str(value))


def _local_text(value):
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def relative_due(moment):
    """"逾期 2 天 3 小时" / "剩余 5 小时" relative to the application clock."""
    if moment is None:
        return ""
    delta = moment - clock.now()
    late = delta < timedelta(0)
    span = _span(abs(delta))
    return _("逾期 %(span)s", span=span) if late else _("剩余 %(span)s", span=span)


def _span(delta):
    days, hours, minutes = delta.days, delta.seconds // 3600, (delta.seconds % 3600) // 60
    if days:
        return _("%(d)s 天 %(h)s 小时", d=days, h=hours) if hours else _("%(d)s 天", d=days)
    if hours:
        return _("%(h)s 小时 %(m)s 分钟", h=hours, m=minutes) if minutes else _("%(h)s 小时", h=hours)
    return _("%(m)s 分钟", m=max(minutes, 1))


def is_overdue(moment):
    return moment is not None and moment < clock.now()


def end_of_local_day(day):
    """The instant a local calendar day ends ("due by 23 Nov" = before 24 Nov 00:00 Shanghai)."""
    return start_of_local_day(day + timedelta(days=1))


def parse_date(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def install(blueprint):
    """Filters and globals the templates use, registered app-wide by the blueprint that owns the pages."""
    blueprint.add_app_template_filter(bilingual, "bilingual")
    blueprint.add_app_template_filter(relative_due, "relative_due")
    blueprint.add_app_template_filter(is_overdue, "is_overdue")
    blueprint.add_app_template_filter(datetime_input, "datetime_input")
    blueprint.add_app_template_filter(step_name, "step_name")
    blueprint.add_app_template_filter(action_name, "action_name")
    blueprint.add_app_template_filter(event_name, "event_name")
    blueprint.add_app_template_global(form_title, "form_title")
    blueprint.add_app_template_global(form_description, "form_description")
