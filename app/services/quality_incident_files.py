"""A quality incident's files: the recordings of its investigation (调查过程全程录音录像, 000 L939; the upload sniffs audio
in an MP4 container as video/*) and other evidence (photos, PDF) — the uploader's own free uploads put on the incident
(the attachment's owner `quality_incident_id`, one owner at most: the table's CHECK), served to whoever reads the
incident (services/quality_incidents.py). Added until the incident is closed; never taken off (they are evidence)."""
from sqlalchemy import update as sql_update

from ..models import Attachment
from ..models.attachment import free_of_owners
from . import audit, owned_files
from .quality_incident_handling import check_files_allowed, refuse_unknown_files
from .quality_incidents import SUBJECT, check_may_manage, details, get

_table = Attachment.__table__


def add(uow, user, incident_id, file_ids):
    """Put the user's own free uploads on the incident; the public ids linked."""
    row = get(uow.session, user, incident_id, for_update=True)
    check_may_manage(user)
    check_files_allowed(row)
    wanted = sorted({str(i) for i in file_ids if i})
    if not wanted:
        refuse_unknown_files(["(none)"])
    linked = uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(wanted), _table.c.uploader_id == user.id,
                                 free_of_owners(_table.c))
        .values(quality_incident_id=row.id, field="quality_incident").returning(_table.c.public_id,
                                                                                _table.c.original_name)).all()
    refuse_unknown_files(sorted(set(wanted) - {p for p, _n in linked}))
    uow.session.expire(row, ["attachments"])
    audit.record(uow, None, user, "quality_incident_files_added",
                 changes={"qi_files": [None, sorted(n for _p, n in linked)]}, details=details(row),
                 subject=(SUBJECT, row.id))
    return sorted(p for p, _n in linked)


def file_of(session, row, public_id):
    """A file of the incident `row` (which the caller read through quality_incidents.get); NotFound otherwise."""
    return owned_files.file_of(session, "quality_incident_id", row.id, public_id)
