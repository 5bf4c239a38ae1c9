"""The four-colour risk map (四色风险分布图, 一图; seed 001 §三 4, §七 8 “风险分布图等录入”): the enterprise uploads a
site plan (平面布置图, an image) and places its risk points on it; the pages draw each point as a marker of its colour.

A marker's place is kept on the point as fractions of the plan's width and height (0–1 from the top left corner), so
it stays where it was whatever size the image is shown at, and a plan redrawn to the same layout keeps its markers.
The newest plan is the map's; the older ones stay owned by the map as its history (the attachment's owner column
`risk_plan_enterprise_id`). Only the enterprise's own staff change the map, like the rest of the register."""
import math

from sqlalchemy import update as sql_update

from ..errors import Conflict, ValidationFailed
from ..models import Attachment, RiskPoint
from ..models.attachment import free_of_owners
from . import audit
from .risk_points import SUBJECT as POINT_SUBJECT, check_writer, get_enterprise

SUBJECT = "risk_map"  # its id: the enterprise's
FILE_FIELD = "risk_site_plan"
PRECISION = 4  # decimals kept: a ten-thousandth of the plan's width, finer than any screen shows


def current_plan(session, enterprise_id):
    """The enterprise's site plan (the newest uploaded), or None."""
    return session.query(Attachment).filter(Attachment.risk_plan_enterprise_id == enterprise_id) \
        .order_by(Attachment.id.desc()).first()


def plans_of(session, enterprise_id):
    return session.query(Attachment).filter(Attachment.risk_plan_enterprise_id == enterprise_id) \
        .order_by(Attachment.id.desc()).all()


def readable_plan(session, user, enterprise_id):
    """The enterprise whose plan (an attachment's owner) the user may see; NotFound / NotAllowed otherwise."""
    return get_enterprise(session, user, enterprise_id)


def set_plan(uow, user, enterprise_id, public_id):
    """Make the user's own free image upload `public_id` the enterprise's site plan; ValidationFailed (field
    `plan`) for anything else."""
    session = uow.session
    check_writer(session, user, enterprise_id)
    before = current_plan(session, enterprise_id)
    table = Attachment.__table__
    linked = session.connection().execute(
        sql_update(table).where(table.c.public_id == str(public_id or ""), table.c.uploader_id == user.id,
                                table.c.content_type.like("image/%"), free_of_owners(table.c))
        .values(risk_plan_enterprise_id=enterprise_id, field=FILE_FIELD)
        .returning(table.c.id, table.c.original_name)).all()
    if not linked:
        raise ValidationFailed("请上传平面布置图（JPEG、PNG、GIF 或 WebP 图片） / upload the site plan as an image",
                               fields={"plan": "请上传平面布置图（图片） / upload the site plan as an image"})
    audit.record(uow, None, user, "risk_site_plan_uploaded",
                 changes={"site_plan": [before.original_name if before else None, linked[0][1]]},
                 details={"enterprise_id": enterprise_id}, subject=(SUBJECT, enterprise_id))
    return linked[0][0]


def parse_position(x_text, y_text):
    """(x, y) from a form's two fields, (None, None) when both are empty; ({field: message}) when wrong: each a
    number from 0 to 1, both or neither."""
    values, errors = [], {}
    for name, text in (("x", x_text), ("y", y_text)):
        text = "" if text is None else str(text).strip()
        if not text:
            values.append(None)
            continue
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or not 0 <= number <= 1:
            errors[name] = "位置须为 0 到 1 之间的数 / a position is a number from 0 to 1"
        values.append(round(number, PRECISION) if math.isfinite(number) else None)
    if not errors and (values[0] is None) != (values[1] is None):
        errors["x" if values[0] is None else "y"] = "横纵位置须同时填写或同时留空 / give both or neither"
    return (None, None) if errors else tuple(values), errors


def place_markers(uow, user, enterprise_id, positions):
    """Put the enterprise's active points where `positions` {point id: (x text, y text)} says (empty: off the map).
    ValidationFailed names each wrong field as `x_<id>` / `y_<id>` and nothing moves; Conflict without a plan.
    Returns how many points moved."""
    session = uow.session
    check_writer(session, user, enterprise_id)
    if current_plan(session, enterprise_id) is None:
        raise Conflict("请先上传平面布置图 / upload the site plan first")
    points = {p.id: p for p in session.query(RiskPoint).filter(RiskPoint.enterprise_id == enterprise_id,
                                                                  RiskPoint.retired_at.is_(None))}
    errors, wanted = {}, {}
    for point_id, (x_text, y_text) in positions.items():
        if point_id not in points:
            errors[f"x_{point_id}"] = "风险点不存在 / no such risk point"
            continue
        position, wrong = parse_position(x_text, y_text)
        errors.update({f"{axis}_{point_id}": message for axis, message in wrong.items()})
        wanted[point_id] = position
    if errors:
        raise ValidationFailed("标注位置有误 / some positions are wrong", fields=errors)
    rows = []  # one audit row per point moved, in its own history
    for point_id, (x, y) in sorted(wanted.items()):
        row = points[point_id]
        if (row.map_x, row.map_y) == (x, y):
            continue
        rows.append(audit.entry(None, user, "risk_marker_placed",
                                changes={"map_position": [_shown(row.map_x, row.map_y), _shown(x, y)]},
                                details={"enterprise_id": enterprise_id, "risk_point": row.name},
                                subject=(POINT_SUBJECT, row.id)))
        row.map_x, row.map_y = x, y
    if rows:
        session.flush()
        audit.write(uow, rows)
    return len(rows)


def _shown(x, y):
    return None if x is None else f"{x:.{PRECISION}f}, {y:.{PRECISION}f}"
