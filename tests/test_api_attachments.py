"""Uploads through the API: sniffed type, size limit, and download only for those who may see them."""
import io

from test_api_support import PDF, PNG, register, upload


def test_upload_and_download_by_the_uploader(api, people):
    inspector = api("inspector")
    r = inspector.post("/api/v1/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(PNG), "现场.png"), "field": "photos"})
    assert r.status_code == 201
    body = r.get_json()
    assert set(body) == {"id", "content_type", "size", "name", "taken_at", "latitude", "longitude", "location_source"}
    assert body["latitude"] is None and body["location_source"] is None  # a PNG without GPS tags
    assert (body["content_type"], body["size"], body["name"]) == ("image/png", len(PNG), "现场.png")

    r = inspector.get(f"/api/v1/attachments/{body['id']}")
    assert r.status_code == 200 and r.data == PNG
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Disposition"].startswith("inline")


def test_pdf_downloads_as_attachment(api, people):
    inspector = api("inspector")
    public_id = upload(inspector, PDF, name="notice.pdf")
    r = inspector.get(f"/api/v1/attachments/{public_id}")
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("attachment") and "notice.pdf" in r.headers["Content-Disposition"]


def test_unlinked_upload_is_private_to_its_uploader(api, people):
    public_id = upload(api("inspector"))
    assert api("bureau").get(f"/api/v1/attachments/{public_id}").status_code == 404


def test_linked_photo_follows_case_visibility(api, people):
    inspector = api("inspector")
    photo = upload(inspector)
    register(inspector, people.enterprise_a.id, photos=[photo])
    assert api("bureau").get(f"/api/v1/attachments/{photo}").status_code == 200
    assert api("ent_a").get(f"/api/v1/attachments/{photo}").status_code == 200
    assert api("ent_b").get(f"/api/v1/attachments/{photo}").status_code == 404


def test_rejects_missing_disguised_empty_and_large_files(app, api, people):
    client = api("inspector")

    def post(data):
        return client.post("/api/v1/attachments", data=data, content_type="multipart/form-data")

    r = post({})
    assert r.status_code == 400 and "file" in r.get_json()["fields"]
    r = post({"file": (io.BytesIO(b"<script>alert(1)</script>"), "photo.png")})
    assert r.status_code == 400 and r.get_json()["fields"]["file"] == "unsupported type"
    r = post({"file": (io.BytesIO(b""), "empty.png")})
    assert r.status_code == 400
    big = PNG + b"\x00" * app.config["MAX_UPLOAD_BYTES"]
    r = post({"file": (io.BytesIO(big), "big.png"), "field": "photos"})
    assert r.status_code == 400 and r.get_json()["fields"] == {"photos": "too large"}


def test_unknown_attachment_and_no_token(api, client, people):
    assert api("inspector").get("/api/v1/attachments/deadbeefdeadbeef").status_code == 404
    assert client.post("/api/v1/attachments", data={"file": (io.BytesIO(PNG), "p.png")},
                       content_type="multipart/form-data").status_code == 401
