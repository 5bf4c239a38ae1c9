"""Publishing typical cases to enterprises for warning education (典型案例警示教育; seed 000 line 786 “针对排查过程中发现的
共性问题，形成案例分析报告并向企业发布，帮助其举一反三”, line 337 “向重点企业传达典型案例”, line 738 “结合典型案例讲解排查要点”).

The library (services/typical_cases.py) stays internal. What enterprises read is a public version written for them
by the bureau or a project lead: a title and a text of its own — never the entry's fields, whose cause analysis
names people — and the photos of the source case the publisher ticks. The text is refused when it names the source
enterprise, its address, its contact or its staff, or the case's inspector (a safety net: the publisher rewrites
the case in general terms). The photos are served only through the publication (services/warning_cases.py),
without their file names or EXIF tags (GPS would say where the enterprise is).

The audience — every enterprise, or those of chosen industries and / or townships — is resolved to the enterprises
of that moment, one recipient row each, as for notices (services/bureau_notices.py, whose register choices and
recipients' staff are reused); their staff are told in-app and over the outbox. A publication is never edited: it
is withdrawn (hidden from enterprises; its receipts kept) and a corrected one published. Publishing and withdrawing
are audited on the entry (subject "typical_case"), before → after."""
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import (Attachment, CasePublication, CasePublicationPhoto, CasePublicationRecipient, Enterprise,
                      TypicalCase, User)
from . import audit, bureau_notices, notifications, typical_cases
from .field_rules import clean_text, raise_if, row_id

PUBLISHERS = ("bureau", "project_lead")
KIND = "warning_case"  # the notification kind
MAX_TITLE, MAX_BODY, MAX_REASON, MAX_PHOTOS, MAX_AUDIENCE = 200, 8000, 500, 12, 500
SHORTEST_TERM = 2  # shorter names (a one-character surname) would refuse ordinary words


# ---- who ---------------------------------------------------------------------------------------------------------
def may_publish(user):
    return user.has_role(*PUBLISHERS)


def check_may_publish(user):
    typical_cases.check_may_read(user)  # 404 for enterprise staff, 403 for roles without the library
    if not may_publish(user):
        raise NotAllowed("只有应急管理局和项目负责人可以向企业发布警示案例 / only the bureau and project leads publish "
                         "cases to enterprises")


# ---- reading (the library's side) --------------------------------------------------------------------------------
def of_entry(session, entry_id):
    """The entry's publications, the live one first, then the withdrawn ones newest first."""
    return session.query(CasePublication).filter_by(typical_case_id=entry_id).order_by(
        (CasePublication.status == "published").desc(), CasePublication.published_at.desc(),
        CasePublication.id.desc()).all()


def live_ids(session, entry_ids):
    """{entry id: its live publication's id} for the library's list."""
    if not entry_ids:
        return {}
    return dict(session.query(CasePublication.typical_case_id, CasePublication.id).filter(
        CasePublication.typical_case_id.in_(list(entry_ids)), CasePublication.status == "published"))


def tallies(session, publication_ids):
    """{publication id: {"addressed", "learned"}}."""
    result = {i: {"addressed": 0, "learned": 0} for i in publication_ids}
    if not publication_ids:
        return result
    rows = session.query(CasePublicationRecipient.publication_id, func.count(CasePublicationRecipient.id),
                         func.count(CasePublicationRecipient.learned_at)) \
        .filter(CasePublicationRecipient.publication_id.in_(list(publication_ids))) \
        .group_by(CasePublicationRecipient.publication_id)
    for publication_id, addressed, learned in rows:
        result[publication_id] = {"addressed": addressed, "learned": learned}
    return result


def recipients(session, publication_id):
    """The publication's recipient enterprises with their receipts: not yet studied first, then by name."""
    return session.query(CasePublicationRecipient).join(Enterprise).filter(
        CasePublicationRecipient.publication_id == publication_id).order_by(
        CasePublicationRecipient.learned_at.is_(None).desc(), Enterprise.name, Enterprise.id).all()


def audience_choices(session):
    """The townships / parks and industries of the enterprise register (as notices offer them)."""
    found = bureau_notices.choices(session)
    return {"industries": found["industries"], "townships": found["townships"]}


def photo_choices(session, entry):
    """The source case's images: what a publisher may choose from."""
    return session.query(Attachment).filter(Attachment.case_id == entry.case_id,
                                            Attachment.content_type.like("image/%")).order_by(Attachment.id).all()


def prefill(session, entry):
    """The form's first draft: the last publication's text when the entry was published before (a correction),
    else the entry's problem, measures and lessons with the enterprise's name put as 某企业 — never its cause
    analysis. No photos are ticked and the audience is every enterprise."""
    last = session.query(CasePublication).filter_by(typical_case_id=entry.id) \
        .order_by(CasePublication.id.desc()).first()
    if last is not None:
        return {"title": last.title, "body": last.body, "industries": list(last.industries),
                "townships": list(last.townships), "photos": []}
    name = entry.case.enterprise.name
    parts = [entry.problem_description, entry.measures, entry.lessons]
    body = "\n\n".join(p.strip().replace(name, "某企业") for p in parts if p and p.strip())
    return {"title": entry.title.replace(name, "某企业"), "body": body, "industries": [], "townships": [],
            "photos": []}


# ---- writing -----------------------------------------------------------------------------------------------------
def identifying_terms(session, entry):
    """Words that would name the source: the enterprise's name, address and contact, its staff's names, the
    case's inspector's name."""
    enterprise, case = entry.case.enterprise, entry.case
    staff = session.query(User.display_name).filter(User.enterprise_id == enterprise.id)
    inspector = session.query(User.display_name).filter(User.id == case.inspector_id)
    terms = {enterprise.name, enterprise.address, enterprise.contact_person, enterprise.credit_code}
    terms |= {name for (name,) in staff.union(inspector)}
    return sorted({t.strip() for t in terms if t and len(t.strip()) >= SHORTEST_TERM}, key=len, reverse=True)


def _clean(session, entry, values, errors):
    title = clean_text(values.get("title"), MAX_TITLE, "title", errors)
    if not title and "title" not in errors:
        errors["title"] = "请填写公开标题 / give the public title"
    body = clean_text(values.get("body"), MAX_BODY, "body", errors)
    if not body and "body" not in errors:
        errors["body"] = "请填写公开正文 / write the public text"
    for name, text in (("title", title), ("body", body)):
        named = next((t for t in identifying_terms(session, entry) if t in text), None)
        if named and name not in errors:
            errors[name] = f"不得出现“{named}”：公开版本不能透露来源企业及相关人员 / “{named}” identifies the " \
                           "source enterprise or its people: leave it out of the public version"
    choices = audience_choices(session)
    industries = _chosen(values.get("industries"), choices["industries"], "industries", errors)
    townships = _chosen(values.get("townships"), choices["townships"], "townships", errors)
    photos = _photos(session, entry, values.get("photos"), errors)
    return {"title": title, "body": body, "industries": industries, "townships": townships}, photos


def _chosen(raw, known, name, errors):
    values = [] if raw is None else [raw] if isinstance(raw, str) else list(raw) \
        if isinstance(raw, (list, tuple)) else None
    if values is None or not all(isinstance(v, str) for v in values):
        errors[name] = "应为名称列表 / a list of names"
        return []
    chosen = sorted({v.strip() for v in values if v.strip()})
    if len(chosen) > MAX_AUDIENCE:
        errors[name] = f"最多 {MAX_AUDIENCE} 项 / at most {MAX_AUDIENCE}"
    elif set(chosen) - set(known):
        errors[name] = f"企业名录中没有“{sorted(set(chosen) - set(known))[0]}” / not in the enterprise register"
    return chosen


def _photos(session, entry, raw, errors):
    """The chosen photos (attachment ids as given, in their order): only images of the source case."""
    raw = [] if raw is None else [raw] if isinstance(raw, (str, int)) else list(raw) \
        if isinstance(raw, (list, tuple)) else None
    ids = [row_id(v) for v in raw] if raw is not None else [None]
    if None in ids or len(set(ids)) != len(ids):
        errors["photos"] = "所选照片无效 / unknown photo"
        return []
    if len(ids) > MAX_PHOTOS:
        errors["photos"] = f"最多选择 {MAX_PHOTOS} 张照片 / at most {MAX_PHOTOS} photos"
        return []
    allowed = {a.id for a in photo_choices(session, entry)}
    if set(ids) - allowed:
        errors["photos"] = "只能选择本案例隐患的照片 / only photos of the case itself"
        return []
    return ids


def resolve_audience(session, industries, townships):
    """The ids of the enterprises the audience names now, in id order (both empty: every enterprise)."""
    found = set(bureau_notices.resolve_target(session, "industries", industries)) if industries else None
    if townships:
        in_townships = set(bureau_notices.resolve_target(session, "townships", townships))
        found = in_townships if found is None else found & in_townships
    return sorted(found) if found is not None else bureau_notices.resolve_target(session, "all", [])


def publish(uow, user, entry_id, values):
    """Publish the written public version of an entry (`values`: title, body, industries, townships, photos —
    attachment ids of the case's images) to the enterprises of its audience, and tell their staff.
    ValidationFailed names each wrong field; Conflict when the entry is published already."""
    check_may_publish(user)
    session = uow.session
    entry = session.query(TypicalCase).filter_by(id=entry_id).with_for_update().first() \
        if isinstance(entry_id, int) else None
    if entry is None:
        raise NotFound("典型案例不存在 / typical case not found")
    _check_not_live(session, entry)
    errors = {}
    clean, photo_ids = _clean(session, entry, values, errors)
    raise_if(errors)
    enterprise_ids = resolve_audience(session, clean["industries"], clean["townships"])
    if not enterprise_ids:
        message = "没有符合发布范围的企业 / no enterprise matches the audience"
        raise_if({"townships" if clean["townships"] else "industries": message})
    now = clock.now()
    row = CasePublication(typical_case_id=entry.id, status="published", published_by=user, published_at=now,
                          issuer="bureau" if "bureau" in user.roles else "contractor", **clean)
    try:
        with session.begin_nested():  # two publishers at once: the live-publication index decides
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict("该案例已向企业发布 / the entry is published already") from None
    session.bulk_insert_mappings(CasePublicationPhoto, [
        {"publication_id": row.id, "attachment_id": a, "position": n} for n, a in enumerate(photo_ids, 1)])
    session.bulk_insert_mappings(CasePublicationRecipient, [
        {"publication_id": row.id, "enterprise_id": i} for i in enterprise_ids])
    session.flush()
    audit.record(uow, None, user, "typical_case_published", changes={
        "publication": [None, "published"], "public_title": [None, row.title], "public_body": [None, row.body],
        "audience_industries": [None, row.industries], "audience_townships": [None, row.townships],
        "public_photos": [None, len(photo_ids)]},
        details={**_details(entry, row), "recipients": len(enterprise_ids)}, subject=(typical_cases.SUBJECT, entry.id))
    text = row.body.replace("\n", " ")
    notifications.send(uow, bureau_notices.staff_of(session, enterprise_ids), KIND, f"警示案例：{row.title}"[:200],
                       f"{text[:150]}{'…' if len(text) > 150 else ''} 请组织学习并确认“已学习”。", publication_key(row.id))
    return row


def _check_not_live(session, entry):
    live = session.query(CasePublication.id).filter_by(typical_case_id=entry.id, status="published").first()
    if live is not None:
        raise Conflict("该案例已向企业发布；如需更正请先撤回 / the entry is published already: withdraw it first to "
                       "publish a corrected version")


def withdraw(uow, user, publication_id, reason):
    """Withdraw a live publication with a reason: enterprises no longer see it (nor its photos); the receipts stay
    for the record."""
    check_may_publish(user)
    session = uow.session
    row = session.query(CasePublication).filter_by(id=publication_id).with_for_update().first() \
        if isinstance(publication_id, int) else None
    if row is None:
        raise NotFound("发布记录不存在 / publication not found")
    if row.is_withdrawn:
        raise Conflict("已撤回 / the publication has been withdrawn already")
    errors = {}
    reason = clean_text(reason if isinstance(reason, str) else None, MAX_REASON, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写撤回原因 / give the reason for the withdrawal"
    raise_if(errors)
    row.status, row.withdrawn_by, row.withdrawn_at, row.withdrawn_reason = "withdrawn", user, clock.now(), reason
    session.flush()
    audit.record(uow, None, user, "typical_case_withdrawn", changes={"publication": ["published", "withdrawn"]},
                 details={**_details(row.typical_case, row), "reason": reason},
                 subject=(typical_cases.SUBJECT, row.typical_case_id))
    return row


def publication_key(publication_id, event="published"):
    return f"{KIND}:{publication_id}:{event}"


def publication_of_key(dedup_key):
    """The publication a notification is about (its id), from its dedup key; None for other notifications."""
    parts = (dedup_key or "").split(":")
    return int(parts[1]) if len(parts) >= 3 and parts[0] == KIND and parts[1].isdigit() else None


def _details(entry, row):
    return {"typical_case_id": entry.id, "publication_id": row.id, "case_id": entry.case_id,
            "case_code": entry.case.code}
