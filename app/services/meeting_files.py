"""A meeting's files (会议材料: the signed minutes' scan, slides, the attendance sheet): the uploader's own free uploads
(PDF or images, through the common upload endpoints) put on the meeting — the attachment's owner `meeting_id`, one
owner at most (the table's CHECK) — served to whoever may read the meeting's minutes (services/meetings.py), taken
off again by an edit (back to the uploader's own uploads)."""

from . import owned_files

FILE_TYPES = ("application/pdf",)  # and images

_REFUSAL = "附件无效：只能附上自己上传的 PDF 或图片 / unknown attachment: only your own PDF or image uploads"


def attach(uow, user, row, file_ids):
    """Put the user's own free uploads (PDF or images) on the meeting; the public ids linked."""
    return owned_files.link_own(uow, user, "meeting_id", row.id, "meeting", owned_files.wanted_ids(file_ids),
                                owned_files.PDF_OR_IMAGE, _REFUSAL)


def detach(uow, row, file_ids):
    """Take files off the meeting (back to their uploader's own uploads); the public ids taken off."""
    return owned_files.detach(uow, "meeting_id", row.id, file_ids)


def file_of(session, row, public_id):
    """A file of the meeting `row` (which the caller read through meetings.get); NotFound otherwise."""
    return owned_files.file_of(session, "meeting_id", row.id, public_id)
