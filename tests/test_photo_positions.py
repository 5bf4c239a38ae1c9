"""Where and when a photo was taken (照片定位与拍摄时间): read from its EXIF tags, else the uploading device's position;
shown beside each photo on the case and task pages with what a verifier should look at twice (far from the
hazard, an "after" photo taken before the registration, taken long before the upload, no position at all)."""
import io
from datetime import timedelta

import pytest
from PIL import Image

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import Attachment
from app.services import photo_metadata
from test_api_support import ASSIGNMENT, PNG, register, task_for, upload

HAZARD = (30.27, 120.15)  # where test_api_support registers its hazards


def jpeg(latitude=None, longitude=None, taken=None, refs=("N", "E"), raw_gps=None):
    """A small JPEG with the EXIF tags a phone camera writes."""
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken.astimezone(SHANGHAI).strftime("%Y:%m:%d %H:%M:%S")
    gps = exif.get_ifd(0x8825)
    if raw_gps is not None:
        gps.update(raw_gps)
    elif latitude is not None:
        def dms(value):
            value = abs(value)
            degrees = int(value)
            minutes = int((value - degrees) * 60)
            return (float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 4))
        gps.update({1: refs[0], 2: dms(latitude), 3: refs[1], 4: dms(longitude)})
    out = io.BytesIO()
    Image.new("RGB", (16, 12), "gray").save(out, "JPEG", exif=exif)
    return out.getvalue()


def stored(public_id):
    db.session.expire_all()
    return db.session.query(Attachment).filter_by(public_id=public_id).one()


def test_exif_place_and_time_are_read_and_bad_tags_are_no_position(api, people, tmp_path):
    inspector = api("inspector")
    moment = clock.now() - timedelta(hours=1)
    photo = stored(upload(inspector, jpeg(30.2701, 120.1502, moment), name="site.jpg"))
    assert (photo.latitude, photo.longitude, photo.location_source) == (30.2701, 120.1502, "exif")
    assert photo.taken_at == moment.replace(microsecond=0)
    south_west = tmp_path / "sw.jpg"
    south_west.write_bytes(jpeg(33.87, 151.21, refs=("S", "W")))
    assert photo_metadata.read(south_west)[1:] == (-33.87, -151.21)
    for raw in ({1: "N", 2: (95.0, 0.0, 0.0), 3: "E", 4: (10.0, 0.0, 0.0)},  # latitude out of range
                {1: "X", 2: (30.0, 0.0, 0.0), 3: "E", 4: (120.0, 0.0, 0.0)},  # no hemisphere
                {1: "N", 2: (30.0, 0.0, 0.0)}):  # no longitude
        bad = tmp_path / "bad.jpg"
        bad.write_bytes(jpeg(raw_gps=raw))
        assert photo_metadata.read(bad)[1:] == (None, None), raw
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00garbage-not-tiff")
    assert photo_metadata.read(broken) == (None, None, None)
    assert stored(upload(inspector, b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00garbage", name="x.jpg")).latitude is None


def test_the_device_position_stands_in_and_exif_wins(api, people):
    inspector = api("inspector")

    def post(content, **form):
        return inspector.post("/api/v1/attachments", content_type="multipart/form-data",
                              data={"file": (io.BytesIO(content), "p.jpg"), **form})
    r = post(jpeg(), device_latitude="30.2705", device_longitude="120.1507")
    assert r.status_code == 201 and r.get_json()["location_source"] == "device"
    assert (r.get_json()["latitude"], r.get_json()["longitude"]) == (30.2705, 120.1507)
    exif_first = post(jpeg(30.0, 120.0), device_latitude="31", device_longitude="121").get_json()
    assert (exif_first["latitude"], exif_first["location_source"]) == (30.0, "exif")
    for lat, lng in (("north", "120"), ("91", "120"), ("30", ""), ("nan", "1")):
        bad = post(jpeg(), device_latitude=lat, device_longitude=lng)
        assert bad.status_code == 400 and "device_latitude" in bad.get_json()["fields"], (lat, lng)
    assert post(PNG, device_latitude="30", device_longitude="120").get_json()["location_source"] == "device"
    pdf = inspector.post("/api/v1/attachments", content_type="multipart/form-data", data={
        "file": (io.BytesIO(b"%PDF-1.4\n"), "a.pdf"), "device_latitude": "30", "device_longitude": "120"})
    assert pdf.get_json()["latitude"] is None  # only photos have a place


def test_the_case_and_task_pages_say_what_to_look_at_twice(api, people, login):
    inspector, enterprise = api("inspector"), api("ent_a")
    near = upload(inspector, jpeg(30.2702, 120.1503, clock.now()), name="near.jpg")
    case = register(inspector, people.enterprise_a.id, photos=[near, upload(inspector, PNG)])
    lead = api("project_lead")
    lead.post(f"/api/v1/tasks/{task_for(lead, case['id'], 'assignment')['id']}/complete", json={"data": ASSIGNMENT})
    old = upload(enterprise, jpeg(31.2304, 121.4737, clock.now() - timedelta(days=40)), name="old.jpg",
                 field="after_photos")  # Shanghai, weeks before the hazard was registered
    rectify = task_for(enterprise, case["id"], "rectification")
    done = enterprise.post(f"/api/v1/tasks/{rectify['id']}/complete", json={"data": {
        "measures": "更换配电箱", "progress_percent": 100, "completed": True, "responsible_person": "王安全",
        "after_photos": [old]}})
    assert done.status_code == 200, done.get_json()
    page = login("project_team").get(f"/cases/{case['id']}").get_data(as_text=True)
    facts = {public_id: _caption(page, public_id) for public_id in (near, old)}
    assert "距隐患位置" in facts[near] and "data-warning" not in facts[near]
    assert all(f'data-warning="{code}"' in facts[old] for code in ("far", "before_registration", "stale"))
    assert "公里" in facts[old]  # ≈ 170 km away
    assert 'data-warning="no_position"' in page  # the PNG
    task = task_for(api("project_team"), case["id"], "verification")
    task_page = login("project_team").get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert 'data-warning="before_registration"' in task_page


def _caption(page, public_id):
    start = page.index(f'data-photo="{public_id}"')
    return page[start:page.index("</figure>", start)]


@pytest.mark.parametrize("metres, text", [(35.4, "35 米"), (2345, "2.3 公里")])
def test_distances_read_as_people_say_them(app, metres, text):
    with app.test_request_context():
        assert app.jinja_env.filters["distance"](metres) == text
    assert photo_metadata.distance_m(*HAZARD, *HAZARD) == 0
    assert 1100 < photo_metadata.distance_m(30.27, 120.15, 30.28, 120.15) < 1120  # 0.01° of latitude ≈ 1.11 km


def test_the_pages_upload_takes_the_device_position_too(people, login):
    inspector = login("inspector")

    def post(**form):
        return inspector.post("/attachments", content_type="multipart/form-data", headers={"Accept": "application/json"},
                              data={"file": (io.BytesIO(jpeg()), "p.jpg"), "field": "photos", **form})
    made = post(device_latitude="30.27", device_longitude="120.15")
    assert made.status_code == 201
    assert stored(made.get_json()["id"]).location_source == "device"
    bad = post(device_latitude="30.27", device_longitude="东经120")
    assert bad.status_code == 400 and "device_latitude" in bad.get_json()["fields"]
