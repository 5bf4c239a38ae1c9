"""Warning cases as enterprises read them (警示案例; the publishing side is services/case_publications.py): the live
publications addressed to the user's enterprise, one of them, the photos chosen for it, and the read receipt
(已学习) its staff confirm once for the enterprise.

Enterprise staff see a publication only while it is live and addressed to their enterprise; anything else — a
withdrawn one, another audience's, an id that does not exist — is NotFound, and so is every photo of it and any
attachment not chosen for it. Staff who read the library (services/typical_cases.py) see every publication, withdrawn
ones included, to check what enterprises are shown. Nothing here hands out the library entry, its case or its
enterprise: callers get the publication's public fields only."""
import io
from dataclasses import dataclass
from pathlib import Path

from ..clock import clock
from ..errors import NotAllowed, NotFound
from ..models import CasePublication, CasePublicationPhoto, CasePublicationRecipient
from . import typical_cases


def own_enterprise(user):
    return user.enterprise_id if "enterprise" in user.roles and user.enterprise_id else None


def reads_all(user):
    return typical_cases.may_read(user)


def may_read(user):
    return reads_all(user) or "enterprise" in user.roles


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("警示案例供企业和典型案例库的读者查看 / warning cases are for enterprises and the library's "
                         "readers")


@dataclass
class Addressed:
    """A publication as an enterprise sees it, with its enterprise's receipt (None for staff)."""
    publication: CasePublication
    receipt: CasePublicationRecipient = None


def listing(session, user, limit=50, offset=0):
    """(a page of Addressed, newest first; how many): for enterprise staff the live publications addressed to their
    enterprise, for the library's readers every publication."""
    check_may_read(user)
    if reads_all(user):
        query = session.query(CasePublication)
    else:
        query = session.query(CasePublication, CasePublicationRecipient).join(
            CasePublicationRecipient, CasePublicationRecipient.publication_id == CasePublication.id).filter(
            CasePublicationRecipient.enterprise_id == (own_enterprise(user) or 0),
            CasePublication.status == "published")
    total = query.order_by(None).count()
    rows = query.order_by(CasePublication.published_at.desc(), CasePublication.id.desc()) \
        .limit(limit).offset(offset).all()
    return [Addressed(row) if reads_all(user) else Addressed(*row) for row in rows], total


def get(session, user, publication_id, for_update=False):
    """Addressed for a publication the user may read; NotFound otherwise."""
    check_may_read(user)
    row = session.get(CasePublication, publication_id) if isinstance(publication_id, int) else None
    if row is not None and reads_all(user):
        return Addressed(row)
    if row is None or not row.is_published:
        raise NotFound("警示案例不存在 / warning case not found")
    query = session.query(CasePublicationRecipient).filter_by(publication_id=row.id,
                                                              enterprise_id=own_enterprise(user) or 0)
    receipt = (query.with_for_update() if for_update else query).first()
    if receipt is None:
        raise NotFound("警示案例不存在 / warning case not found")
    return Addressed(row, receipt)


def confirm_learned(uow, user, publication_id):
    """The enterprise has studied the case (已学习): the first confirmation of any of its staff is kept with who and
    when; a later one changes nothing. Returns (receipt, whether this call recorded it). Staff who are not of an
    addressed enterprise: NotAllowed (the library's readers) or NotFound."""
    if reads_all(user) and own_enterprise(user) is None:
        raise NotAllowed("只有收到警示案例的企业确认学习 / only the enterprises it was sent to confirm studying it")
    found = get(uow.session, user, publication_id, for_update=True)
    receipt = found.receipt
    if receipt.learned_at is not None:
        return receipt, False
    receipt.learned_at, receipt.learned_by = clock.now(), user
    uow.session.flush()
    return receipt, True


def photo(session, user, publication_id, photo_id, upload_dir):
    """(the photo's bytes without EXIF and other tags, its content type) for a photo chosen for a publication the
    user may read; NotFound for anything else, also for an attachment of the same case that was not chosen."""
    found = get(session, user, publication_id)
    row = session.query(CasePublicationPhoto).filter_by(id=photo_id, publication_id=found.publication.id).first() \
        if isinstance(photo_id, int) else None
    if row is None:
        raise NotFound("照片不存在 / photo not found")
    path = Path(upload_dir) / row.attachment.stored_name
    if not path.is_file():
        raise NotFound("照片不存在 / photo not found")
    return without_metadata(path, row.attachment.content_type)


def without_metadata(path, content_type):
    """The image drawn again without its EXIF (GPS, camera, time), comments and other text chunks, turned upright
    first as its orientation tag said. (bytes, content type); NotFound when the file is not a readable image: an
    unreadable file is not served as it is, it might carry what is stripped here."""
    from PIL import Image, ImageOps
    try:
        with Image.open(path) as image:
            fmt = image.format if image.format in ("JPEG", "PNG", "GIF", "WEBP") else "PNG"
            upright = ImageOps.exif_transpose(image)
            if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            # Formats write what the image's info holds (a GIF its comment, some versions the EXIF): keep only
            # what drawing it needs.
            upright.info = {k: v for k, v in upright.info.items() if k in ("transparency", "duration", "loop")}
            out = io.BytesIO()
            upright.save(out, format=fmt, **({"quality": 90} if fmt in ("JPEG", "WEBP") else {}))
    except Exception:  # noqa: BLE001 - a damaged or hostile file is simply not shown
        raise NotFound("照片无法显示 / photo cannot be shown") from None
    return out.getvalue(), {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif",
                            "WEBP": "image/webp"}[fmt]
