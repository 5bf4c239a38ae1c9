"""A training session's materials (培训材料: 课件, the signed sign-in sheet's scan): the uploader's own free uploads (PDF or
images, through the common upload endpoints) put on the session — the attachment's fifth owner, `training_id`, beside a
case, a visit, a public report and a notice (one owner at most, the table's CHECK) — served to whoever reads the
session (services/trainings.py), taken off again by an edit (back to the uploader's own uploads)."""

from . import owned_files

FILE_TYPES = ("application/pdf",)  # and images

_REFUSAL = "附件无效：只能附上自己上传的 PDF 或图片 / unknown attachment: only your own PDF or image uploads"


def attach(uow, user, row, file_ids):
    """Put the user's own free uploads (PDF or images) on the session; the public ids linked."""
    return owned_files.link_own(uow, user, "training_id", row.id, "training", owned_files.wanted_ids(file_ids),
                                owned_files.PDF_OR_IMAGE, _REFUSAL)


def detach(uow, row, file_ids):
    """Take files off the session (back to their uploader's own uploads); the public ids taken off."""
    return owned_files.detach(uow, "training_id", row.id, file_ids)


def file_of(session, row, public_id):
    """A file of the session `row` (which the caller read through trainings.get); NotFound otherwise."""
    return owned_files.file_of(session, "training_id", row.id, public_id)
