"""On-site videos (现场视频): MP4 / MOV / WebM recognised by their first bytes, a larger limit than photos, written
as they are read, nothing left behind when refused; played in the browser (range requests), not downloaded."""
import hashlib
import io

import pytest

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Attachment
from app.services import attachments
from app.services.uow import UnitOfWork
from tests.test_web_support import PNG

MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  "
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1"


@pytest.mark.parametrize("head, kind", [(MP4, "video/mp4"), (MOV, "video/quicktime"), (WEBM, "video/webm"),
                                        (HEIC, None), (PNG, "image/png")])
def test_kinds_are_sniffed(head, kind):
    assert attachments.sniff(head[:16])[0] == kind


def store(user, data, tmp_path, name="clip.mp4"):
    with UnitOfWork() as uow:
        row = attachments.store_upload(uow, user, name, io.BytesIO(data), tmp_path, max_bytes=100_000,
                                       max_video_bytes=3_000_000)
        uow.commit()
        return row


def test_a_video_may_be_larger_than_a_photo_and_nothing_is_left_of_a_refused_one(people, tmp_path):
    video = MP4 + bytes(2_000_000)
    row = store(people.inspector, video, tmp_path)
    assert (row.content_type, row.size, row.sha256) == ("video/mp4", len(video), hashlib.sha256(video).hexdigest())
    assert (tmp_path / row.stored_name).read_bytes() == video and row.is_video and not row.is_image
    with pytest.raises(ValidationFailed):
        store(people.inspector, PNG + bytes(200_000), tmp_path, "big.png")  # a photo keeps the photo limit
    with pytest.raises(ValidationFailed):
        store(people.inspector, MP4 + bytes(3_000_000), tmp_path)  # over the video limit
    with pytest.raises(ValidationFailed):
        store(people.inspector, HEIC + bytes(100), tmp_path, "photo.heic")
    assert sorted(p.name for p in tmp_path.iterdir()) == [row.stored_name]
    assert db.session.query(Attachment).count() == 1


@pytest.fixture
def small_limits(app):
    saved = {k: app.config[k] for k in ("MAX_CONTENT_LENGTH", "MAX_UPLOAD_BYTES", "MAX_VIDEO_BYTES")}
    app.config.update(MAX_CONTENT_LENGTH=1_000_000, MAX_UPLOAD_BYTES=200_000, MAX_VIDEO_BYTES=3_000_000)
    yield
    app.config.update(saved)


def test_upload_and_play_through_the_pages_and_the_api(people, login, api, small_limits):
    inspector = login("inspector")
    video = MP4 + bytes(2_000_000)  # above the app-wide body limit, within the video limit
    done = inspector.post("/attachments", data={"file": (io.BytesIO(video), "现场.mp4"), "field": "evidence_files"},
                          content_type="multipart/form-data")
    assert done.status_code == 201 and done.get_json()["content_type"] == "video/mp4"
    played = inspector.get(done.get_json()["url"], headers={"Range": "bytes=0-99"})
    assert played.status_code == 206 and len(played.data) == 100
    assert "attachment" not in played.headers.get("Content-Disposition", "")
    assert "media-src 'self'" in played.headers["Content-Security-Policy"]
    big = inspector.post("/attachments", data={"file": (io.BytesIO(PNG + bytes(300_000)), "big.png")},
                         content_type="multipart/form-data")
    assert big.status_code == 400
    client = api("inspector")
    made = client.post("/api/v1/attachments", data={"file": (io.BytesIO(WEBM + bytes(1_500_000)), "clip.webm")},
                       content_type="multipart/form-data")
    assert made.status_code == 201 and made.get_json()["content_type"] == "video/webm"
