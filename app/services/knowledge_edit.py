"""Writing the knowledge base (services/knowledge.py says who): an entry's content with its tags and its PDF, kept
as a new version at every save; publishing, withdrawing and the yearly review (复核: the editor confirms the content
is still right). Every write names the version the editor read, so a save or publication made on a stale page is a
Conflict, never a lost update; each is audited with before → after values as a record of its own (subject
"knowledge_entry")."""
from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotFound
from ..models import KnowledgeEntry, KnowledgeTag, KnowledgeVersion
from ..models.knowledge import KNOWLEDGE_KINDS, REGULATION_STATUSES
from . import audit, knowledge, knowledge_files
from .field_rules import clean_text, parse_date, raise_if, whole_number

MAX_TITLE, MAX_TEXT, MAX_REFERENCES = 200, 8000, 2000
MAX_TAGS, MAX_TAG = 20, 100
TEXT_FIELDS = {"title": MAX_TITLE, "body": MAX_TEXT, "measures": MAX_TEXT, "references": MAX_REFERENCES}
REGULATION_FIELDS = ("number", "issuer", "effective_on", "regulation_status")
TAG_FIELDS = {"hazard_types": "hazard_type", "industries": "industry"}
# The content a version keeps, in the form's order.
CONTENT = ("title", "body", "measures", "references") + REGULATION_FIELDS + tuple(TAG_FIELDS)
REQUIRED = {
    "title": "请填写标题 / give the entry a title",
    "body": "请填写内容 / write the advice or the summary",
    "number": "请填写标准号或文号 / give the number, e.g. GB 50016-2014",
    "issuer": "请填写发布机关 / name the issuing body",
    "effective_on": "请填写实施日期 / give the date it took effect",
    "regulation_status": "请选择现行状态 / say whether it is in force",
    "hazard_types": "处置建议至少适用于一种隐患类型 / advice applies to at least one hazard type",
}


# ---- checking the content ------------------------------------------------------------------------------------------
def _tag_list(value, name, errors):
    """A list of tags from a list or a text separated by commas, 、 or new lines; trimmed, without repeats."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace("、", ",").replace("，", ",").replace("\n", ",").split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        errors[name] = "应为文字列表 / must be a list of text"
        return []
    tags = list(dict.fromkeys(v.strip() for v in value if v.strip()))
    if len(tags) > MAX_TAGS:
        errors[name] = f"最多 {MAX_TAGS} 个 / at most {MAX_TAGS}"
    elif any(len(v) > MAX_TAG for v in tags):
        errors[name] = f"每个最多 {MAX_TAG} 个字符 / at most {MAX_TAG} characters each"
    return tags


def _clean(session, kind, values, errors, current=None):
    """The content of `values` for an entry of `kind`, checked; `current`: the entry's content, which fields left
    out of `values` keep (an API edit sends only what changes)."""
    given = {**(current or {}), **{k: v for k, v in values.items() if k in CONTENT}}
    clean = {}
    for name, longest in TEXT_FIELDS.items():
        value = given.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = "应为文字 / must be text"
            continue
        clean[name] = clean_text(value, longest, name, errors)
    for name in TAG_FIELDS:
        clean[name] = _tag_list(given.get(name), name, errors)
    known = knowledge.hazard_type_codes(session)
    wrong = [code for code in clean["hazard_types"] if code not in known]
    if wrong and "hazard_types" not in errors:
        errors["hazard_types"] = f"没有这种隐患类型：{wrong[0]} / unknown hazard type {wrong[0]}"
    if kind == "regulation":
        clean["number"] = clean_text(given.get("number"), 64, "number", errors)
        clean["issuer"] = clean_text(given.get("issuer"), 200, "issuer", errors)
        day = parse_date(given.get("effective_on"), "effective_on", errors)
        clean["effective_on"] = day.isoformat() if hasattr(day, "isoformat") else day
        status = given.get("regulation_status") or ""
        if status and status not in REGULATION_STATUSES:
            errors["regulation_status"] = "应为现行、废止或已修订 / in force, repealed or revised"
        clean["regulation_status"] = status
    else:  # advice has no number, issuer, date or status
        clean.update(number=None, issuer=None, effective_on=None, regulation_status=None)
    needed = ("title", "body") + (REGULATION_FIELDS if kind == "regulation" else ("hazard_types",))
    for name in needed:
        if name not in errors and clean.get(name) in ("", [], None):
            errors[name] = REQUIRED[name]
    return clean


def content_of(row):
    """The entry's content as a version keeps it (dates as ISO text)."""
    content = {name: getattr(row, name) for name in ("title", "body", "measures", "references") + REGULATION_FIELDS}
    content["effective_on"] = row.effective_on.isoformat() if row.effective_on else None
    for name, tag_kind in TAG_FIELDS.items():
        content[name] = row.tag_values(tag_kind)
    return content


def _apply(row, clean):
    for name in TEXT_FIELDS:
        setattr(row, name, clean[name])
    for name in ("number", "issuer", "regulation_status"):
        setattr(row, name, clean[name] or None)
    row.effective_on = parse_date(clean["effective_on"], "effective_on", {}) if clean["effective_on"] else None
    wanted = {(tag_kind, v) for name, tag_kind in TAG_FIELDS.items() for v in clean[name]}
    row.tags = [t for t in row.tags if (t.kind, t.value) in wanted] + [
        KnowledgeTag(kind=tag_kind, value=v) for name, tag_kind in TAG_FIELDS.items() for v in clean[name]
        if (tag_kind, v) not in {(t.kind, t.value) for t in row.tags}]


def _keep_version(session, row, user, now):
    session.add(KnowledgeVersion(entry_id=row.id, version=row.version, content=content_of(row), saved_by_id=user.id,
                                 saved_at=now))


def _check_version(version, errors):
    number = whole_number(version) if version is not None else None
    if version is not None and number is None:
        errors["version"] = "版本应为整数 / the version is a whole number"
    return number


def _locked(session, entry_id):
    row = session.query(KnowledgeEntry).filter_by(id=entry_id).with_for_update().first() \
        if isinstance(entry_id, int) else None
    if row is None:
        raise NotFound("知识库条目不存在 / knowledge base entry not found")
    return row


def _refuse_stale(row, version):
    if version is not None and version != row.version:
        raise Conflict(f"该条目已被 {row.updated_by.display_name} 修改（现为第 {row.version} 版），请查看最新内容后再操作 / "
                       f"the entry was changed by {row.updated_by.username} meanwhile (now version {row.version}); "
                       "reload it and try again")


# ---- writing -----------------------------------------------------------------------------------------------------
def create(uow, user, values, file_ids=()):
    """A new draft entry of `values["kind"]`, version 1; ValidationFailed names each wrong field."""
    knowledge.check_may_edit(user)
    session, errors = uow.session, {}
    kind = values.get("kind") or ""
    if kind not in KNOWLEDGE_KINDS:
        errors["kind"] = "请选择条目类型 / choose advice or law / standard"
    clean = _clean(session, kind, values, errors)
    raise_if(errors)
    now = clock.now()
    row = KnowledgeEntry(kind=kind, status="draft", created_by=user, created_at=now, updated_by=user, updated_at=now,
                         version=1, tags=[])
    _apply(row, clean)
    session.add(row)
    session.flush()
    files = knowledge_files.attach(uow, user, row, file_ids)
    _keep_version(session, row, user, now)
    changes = {k: [None, v] for k, v in {"kind": kind, **clean}.items() if v not in (None, "", [])}
    if files:
        changes["files"] = [None, files]
    audit.record(uow, None, user, "knowledge_entry_created", changes=changes, details=_details(row),
                 subject=(knowledge.SUBJECT, row.id))
    return row


def update(uow, user, entry_id, values, version, file_ids=(), removed_ids=(), partial=False):
    """Change an entry's content (a published entry stays published, with the new content); `version`: the one the
    editor read (None only from the API, which may leave it out). A change is kept as the next version; nothing
    changed: nothing written."""
    knowledge.check_may_edit(user)
    session = uow.session
    row = _locked(session, entry_id)
    errors = {}
    number = _check_version(version, errors)
    before = content_of(row)
    clean = _clean(session, row.kind, values, errors, current=before if partial else None)
    raise_if(errors)
    _refuse_stale(row, number)
    changes = {name: [before[name], clean[name]] for name in CONTENT if before[name] != clean[name]}
    removed = knowledge_files.detach(uow, row, removed_ids)
    added = knowledge_files.attach(uow, user, row, file_ids)
    if removed or added:
        changes["files"] = [removed or None, added or None]
    if not changes:
        return row
    now = clock.now()
    if any(name in changes for name in CONTENT):
        _apply(row, clean)
        row.version += 1
        _keep_version(session, row, user, now)
    row.updated_by, row.updated_at = user, now
    session.flush()
    audit.record(uow, None, user, "knowledge_entry_updated", changes=changes, details=_details(row),
                 subject=(knowledge.SUBJECT, row.id))
    return row


def publish(uow, user, entry_id, version):
    """Publish a draft or withdrawn entry as its `version` reads (Conflict when it changed since); publishing counts
    as its review."""
    return _set_status(uow, user, entry_id, version, "published", ("draft", "withdrawn"), "knowledge_entry_published",
                       "只有草稿或已撤回的条目可以发布 / only a draft or withdrawn entry can be published")


def withdraw(uow, user, entry_id, version):
    """Take a published entry back from the readers (it stays, with its versions, for the editors)."""
    return _set_status(uow, user, entry_id, version, "withdrawn", ("published",), "knowledge_entry_withdrawn",
                       "只有已发布的条目可以撤回 / only a published entry can be withdrawn")


def review(uow, user, entry_id, version):
    """Confirm a published entry is still right as `version` reads (复核): it leaves the 待复核 list for a year."""
    knowledge.check_may_edit(user)
    row = _locked(uow.session, entry_id)
    number = _checked_version(version)
    if row.status != "published":
        raise Conflict("只有已发布的条目需要复核 / only published entries are reviewed")
    _refuse_stale(row, number)
    before, row.reviewed_by, row.reviewed_at = row.reviewed_at, user, clock.now()
    uow.session.flush()
    shown = [m.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if m else None for m in (before, row.reviewed_at)]
    audit.record(uow, None, user, "knowledge_entry_reviewed", changes={"reviewed_at": shown},
                 details=_details(row), subject=(knowledge.SUBJECT, row.id))
    return row


def _checked_version(version):
    errors = {}
    number = _check_version(version, errors)
    if version is None:
        errors["version"] = "缺少版本号 / the version read is required"
    raise_if(errors)
    return number


def _set_status(uow, user, entry_id, version, status, allowed, action, refusal):
    knowledge.check_may_edit(user)
    row = _locked(uow.session, entry_id)
    number = _checked_version(version)
    if row.status not in allowed:
        raise Conflict(refusal)
    _refuse_stale(row, number)
    before, now = row.status, clock.now()
    row.status = status
    if status == "published":
        row.published_by, row.published_at, row.reviewed_by, row.reviewed_at = user, now, user, now
    uow.session.flush()
    audit.record(uow, None, user, action, changes={"status": [before, status]}, details=_details(row),
                 subject=(knowledge.SUBJECT, row.id))
    return row


def _details(row):
    return {"knowledge_entry_id": row.id, "kind": row.kind, "title": row.title, "version": row.version}
