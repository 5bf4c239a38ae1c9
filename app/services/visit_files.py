"""Evidence files on an inspection visit (现场留痕: the tender's 检查过程中同步记录影像资料…形成标准化归档文件 and
拍照标识): photos, videos and PDFs uploaded through the same endpoint as a case's (services/attachments.py: sniffed,
size-limited, EXIF and device position), then linked to the visit by the inspection team. A file belongs to a case
or a visit, never both (the attachment table's CHECK and the link statements). Files are served to whoever sees the
visit (another enterprise's staff: 404). Linked files are not taken off again: they are the visit's record.

Each photo is compared with the visit: taken farther than 500 m from the enterprise's position
(visit_checkins.site_positions), taken on another day than the visit's, taken long before its upload, or without
any position."""
from datetime import timedelta

from sqlalchemy import bindparam, or_, update

from ..clock import SHANGHAI
from ..errors import NotAllowed, ValidationFailed
from ..models import Attachment
from . import audit, inspections, photo_metadata, projection, visit_checkins
from .photo_metadata import FAR_METERS, STALE_DAYS, PhotoCheck

FIELD = "visit_files"
MAX_FILES = 50  # per save

_table = Attachment.__table__
# Only the actor's own uploads that are on no case, report, notice or training and on no other visit (linking one
# twice is harmless).
_LINK = update(_table).where(
    _table.c.public_id.in_(bindparam("b_public_ids", expanding=True)), _table.c.uploader_id == bindparam("b_uploader"),
    _table.c.case_id.is_(None), _table.c.report_id.is_(None), _table.c.notice_id.is_(None),
    _table.c.training_id.is_(None), or_(_table.c.visit_id.is_(None), _table.c.visit_id == bindparam("b_visit"))) \
    .values(visit_id=bindparam("visit_id"), field=FIELD).returning(_table.c.id, _table.c.public_id)


def may_add(user, visit):
    return inspections.may_record(user)


def link(uow, actor, visit_id, public_ids):
    """Put the actor's uploads on the visit; returns the files linked. ValidationFailed (nothing linked) when one of
    them is not the actor's own free upload."""
    visit = inspections.get_visible_visit(uow.session, actor, visit_id)  # another enterprise's staff: 404
    if not may_add(actor, visit):
        raise NotAllowed("只有排查人员和项目负责人可以上传排查现场资料 / only inspectors and project leads add files")
    wanted = list(dict.fromkeys(str(p).strip() for p in public_ids if str(p).strip()))
    if not wanted:
        raise ValidationFailed("请先上传文件 / upload a file first", fields={FIELD: "required"})
    if len(wanted) > MAX_FILES:
        raise ValidationFailed(f"一次最多 {MAX_FILES} 个文件 / at most {MAX_FILES} files at once",
                               fields={FIELD: "too many"})
    linked = dict(uow.session.connection().execute(_LINK, {
        "b_public_ids": wanted, "b_uploader": actor.id, "b_visit": visit.id, "visit_id": visit.id}).all())
    refused = [p for p in wanted if p not in linked.values()]
    if refused:
        raise ValidationFailed("附件无效 / unknown attachment", fields={FIELD: f"unknown attachment {refused[0]}"})
    for row_id in linked:  # an object of the row already in this session follows it
        obj = projection.loaded_object(uow.session, Attachment, row_id)
        if obj is not None:
            projection.set_committed(obj, {"visit_id": visit.id, "field": FIELD})
    audit.record(uow, None, actor, "visit_files_added", details={
        "visit_id": visit.id, "enterprise_id": visit.enterprise_id, "name": visit.enterprise.name,
        "files": sorted(linked.values())})
    return uow.session.query(Attachment).filter(Attachment.id.in_(linked)).order_by(Attachment.id).all()


def for_visit(session, visit_id):
    return session.query(Attachment).filter_by(visit_id=visit_id).order_by(Attachment.id).all()


def assess(attachment, visit, site):
    """The PhotoCheck of an image on its visit (None for other files); `site` from visit_checkins.site_positions.
    Warnings: far_from_site, not_visit_day, stale, no_position."""
    if not attachment.is_image:
        return None
    check = PhotoCheck(taken_at=attachment.taken_at, source=attachment.location_source)
    if attachment.latitude is None:
        check.warnings.append("no_position")
    elif site is not None:
        check.distance_m = photo_metadata.distance_m(attachment.latitude, attachment.longitude, site.latitude,
                                                     site.longitude)
        if check.distance_m > FAR_METERS:
            check.warnings.append("far_from_site")
    taken = attachment.taken_at
    if taken is not None:
        if taken.astimezone(SHANGHAI).date() != visit.visited_on:
            check.warnings.append("not_visit_day")
        if attachment.created_at - taken > timedelta(days=STALE_DAYS):
            check.warnings.append("stale")
    return check


def checks(session, visit, files):
    """{public id: PhotoCheck} of the visit's images."""
    site = visit_checkins.site_positions(session, [visit.enterprise_id])[visit.enterprise_id]
    return {a.public_id: assess(a, visit, site) for a in files}

