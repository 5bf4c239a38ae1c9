"""Warning cases (警示案例) over HTTP: the bureau publishes an entry from its page with errors next to the fields, the
enterprise's 警示案例 page and API show the public version only — the source enterprise's name, its case, the cause
analysis and the photos' names never appear — 已学习 is idempotent, withdrawal hides it (pages, photos, API), an
unpublished entry and other audiences' are 404, the photo route serves only chosen photos of live publications
(without EXIF), and the library's readers see the counts."""
import io

import pytest
from PIL import Image

from app.extensions import db
from app.models import Attachment, CasePublication, CasePublicationRecipient, Notification
from tests.case_publication_support import PUBLIC, entry_with_photos, more_enterprises, publish, withdraw
from tests.test_typical_cases import WRITTEN, add, closed_after_two_rounds
from tests.test_web_support import field_html, text


def form(**changes):
    return {**PUBLIC, **changes}


def test_the_bureau_publishes_from_the_entry_page(people, login):
    entry, photo_ids = entry_with_photos(people)
    bureau = login("bureau")
    page = text(bureau.get(f"/library/{entry.id}"))
    assert f'href="/library/{entry.id}/publish"' in page and 'id="publications"' in page
    draft = text(bureau.get(f"/library/{entry.id}/publish"))
    assert 'name="_csrf"' in draft and WRITTEN["measures"] in draft and WRITTEN["cause_analysis"] not in draft
    assert f'name="photos" value="{photo_ids[0]}"' in draft and 'value="化工"' in draft
    bad = bureau.post(f"/library/{entry.id}/publish", data=form(
        title="", body=f"{people.enterprise_a.name}的教训", industries=["造纸"], photos=[str(photo_ids[0])]))
    page = text(bad)
    assert bad.status_code == 400
    assert 'id="err-title"' in field_html(page, "title") and 'id="err-body"' in field_html(page, "body")
    assert 'id="err-industries"' in page and people.enterprise_a.name in page  # what was typed is kept
    assert f'name="photos" value="{photo_ids[0]}" checked' in page
    assert db.session.query(CasePublication).count() == 0
    ok = bureau.post(f"/library/{entry.id}/publish", data=form(photos=[str(photo_ids[0])]))
    assert ok.status_code == 302 and ok.headers["Location"].endswith(f"/library/{entry.id}#publications")
    publication = db.session.query(CasePublication).one()
    page = text(bureau.get(f"/library/{entry.id}"))
    assert 'data-count="addressed">2<' in page and 'data-count="learned">0<' in page
    assert "向企业发布警示案例" in page  # the history names the action
    assert f'href="/library/{entry.id}/publish"' not in page  # published: withdraw first
    assert bureau.post(f"/library/{entry.id}/publish", data=form()).status_code == 409
    assert f'data-published="{publication.id}"' in text(bureau.get("/library"))


def test_roles_that_may_not_publish(people, login, make_user):
    make_user("town", "township")
    entry = add(people.quality, closed_after_two_rounds(people))
    publication_id = publish(people.bureau, entry.id)
    for role in ("quality", "manager", "inspector", "admin"):
        client = login(role)
        assert client.get(f"/library/{entry.id}/publish").status_code == 403, role
        assert client.post(f"/library/publications/{publication_id}/withdraw", data={"reason": "x"}) \
            .status_code == 403, role
        assert f'href="/library/{entry.id}/publish"' not in text(client.get(f"/library/{entry.id}"))
        assert client.get(f"/warning-cases/{publication_id}").status_code == 200, role  # a reader's preview
        assert client.post(f"/warning-cases/{publication_id}/learned").status_code == 403, role
    for role in ("ent_a", "ent_b"):
        client = login(role)
        assert client.get(f"/library/{entry.id}/publish").status_code == 404
        assert client.post(f"/library/publications/{publication_id}/withdraw", data={"reason": "x"}) \
            .status_code == 404
    for role in ("process_owner", "town"):
        client = login(role)
        for url in ("/warning-cases", f"/warning-cases/{publication_id}", f"/library/{entry.id}/publish"):
            assert client.get(url).status_code == 403, (role, url)
        assert 'href="/warning-cases"' not in text(client.get("/"))


def test_the_enterprise_page_never_shows_the_source(people, login, api):
    entry, photo_ids = entry_with_photos(people)
    attachment_public_ids = [a.public_id for a in db.session.query(Attachment).filter_by(case_id=entry.case_id)]
    publication_id = publish(people.bureau, entry.id, photos=photo_ids)
    source = people.enterprise_a.name
    ent_b = login("ent_b")
    home = text(ent_b.get("/"))
    assert 'href="/warning-cases"' in home and "警示案例" in home
    listing = text(ent_b.get("/warning-cases"))
    page = text(ent_b.get(f"/warning-cases/{publication_id}"))
    body = api("ent_b").get(f"/api/v1/library/published/{publication_id}").get_data(as_text=True)
    items = api("ent_b").get("/api/v1/library/published").get_data(as_text=True)
    notes = text(ent_b.get("/notifications"))
    assert PUBLIC["title"] in listing and PUBLIC["title"] in page and "首轮整改只换线" in page
    assert f'href="/warning-cases/{publication_id}"' in notes
    for html in (listing, page, body, items, notes):
        assert source not in html and "\\u7532\\u5316\\u5de5" not in html  # nor JSON-escaped
        assert entry.case.code not in html and WRITTEN["cause_analysis"] not in html and WRITTEN["title"] not in html
        assert "/cases/" not in html and "/library/" not in html.replace("/api/v1/library/published", "")
        assert "配电房.jpg" not in html and not any(p in html for p in attachment_public_ids)
    assert page.count(f'/warning-cases/{publication_id}/photos/') == 4  # two photos, each a link and an image
    assert 'action="/warning-cases/%d/learned"' % publication_id in page


def test_the_photos_are_served_through_the_publication_only(people, login, api):
    entry, photo_ids = entry_with_photos(people)
    publication_id = publish(people.bureau, entry.id, photos=[photo_ids[0]])
    chosen = db.session.get(CasePublication, publication_id).photos[0]
    ent_b = login("ent_b")
    served = ent_b.get(f"/warning-cases/{publication_id}/photos/{chosen.id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert people.enterprise_a.name not in served.headers["Content-Disposition"]
    assert "no-store" in served.headers["Cache-Control"] and served.headers["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(served.data))
    assert dict(image.getexif()) == {} and b"Exif" not in served.data  # the GPS tags are gone
    via_api = api("ent_b").get(f"/api/v1/library/published/{publication_id}/photos/{chosen.id}")
    assert via_api.status_code == 200 and b"Exif" not in via_api.data
    # the case's own attachment route is still the case's: another enterprise gets 404
    public_id = chosen.attachment.public_id
    assert ent_b.get(f"/attachments/{public_id}").status_code == 404
    # a photo of the case that was not chosen, a photo id of another publication, nonsense: 404
    other = publish(people.bureau, add(people.quality, closed_after_two_rounds(people)).id)
    for url in (f"/warning-cases/{publication_id}/photos/{photo_ids[1]}",
                f"/warning-cases/{other}/photos/{chosen.id}",
                f"/warning-cases/{publication_id}/photos/999999"):
        assert ent_b.get(url).status_code == 404, url
    withdraw(people.bureau, publication_id)
    assert ent_b.get(f"/warning-cases/{publication_id}/photos/{chosen.id}").status_code == 404
    assert api("ent_b").get(f"/api/v1/library/published/{publication_id}/photos/{chosen.id}").status_code == 404
    assert login("manager").get(f"/warning-cases/{publication_id}/photos/{chosen.id}").status_code == 200


def test_unpublished_and_other_audiences_are_404(people, login, api):
    more_enterprises()
    entry = add(people.quality, closed_after_two_rounds(people))
    unpublished = add(people.quality, closed_after_two_rounds(people), title="未发布的案例")
    publication_id = publish(people.bureau, entry.id, industries=["化工"])  # A, not B
    ent_a, ent_b = login("ent_a"), login("ent_b")
    assert ent_a.get(f"/warning-cases/{publication_id}").status_code == 200
    for url in (f"/warning-cases/{publication_id}", f"/warning-cases/{publication_id + 1}",
                f"/library/{unpublished.id}", f"/library/{entry.id}"):
        assert ent_b.get(url).status_code == 404, url
    assert ent_b.post(f"/warning-cases/{publication_id}/learned").status_code == 404
    assert PUBLIC["title"] not in text(ent_b.get("/warning-cases"))
    assert api("ent_b").get(f"/api/v1/library/published/{publication_id}").status_code == 404
    assert api("ent_b").get("/api/v1/library/published").get_json() == {"items": [], "total": 0}
    assert api("ent_a").get(f"/api/v1/typical-cases/{unpublished.id}").status_code == 404


def test_learned_is_idempotent_and_counted(people, login, api, make_user):
    make_user("ent_b2", "enterprise", enterprise=people.enterprise_b)
    entry = add(people.quality, closed_after_two_rounds(people))
    publication_id = publish(people.bureau, entry.id)
    ent_b = login("ent_b")
    page = text(ent_b.get(f"/warning-cases/{publication_id}"))
    assert 'data-learned="no"' in page
    first = ent_b.post(f"/warning-cases/{publication_id}/learned")
    assert first.status_code == 302
    receipt = db.session.query(CasePublicationRecipient).filter_by(enterprise_id=people.enterprise_b.id).one()
    learned_at = receipt.learned_at
    again = login("ent_b2").post(f"/warning-cases/{publication_id}/learned")
    assert again.status_code == 302
    db.session.expire_all()
    receipt = db.session.get(CasePublicationRecipient, receipt.id)
    assert receipt.learned_at == learned_at and receipt.learned_by_id == people.ent_b.id
    page = text(ent_b.get(f"/warning-cases/{publication_id}"))
    assert 'data-learned="yes"' in page and "ent_b" in page
    assert 'data-learned="yes"' in text(ent_b.get("/warning-cases"))
    via_api = api("ent_a").post(f"/api/v1/library/published/{publication_id}/learned")
    assert via_api.status_code == 201 and via_api.get_json()["learned"] is True
    assert api("ent_a").post(f"/api/v1/library/published/{publication_id}/learned").status_code == 200
    detail = api("ent_a").get(f"/api/v1/library/published/{publication_id}").get_json()
    assert detail["receipt"]["learned"] is True and set(detail) >= {"title", "body", "photos", "published_at"}
    assert not {"typical_case_id", "tally", "industries", "townships", "status"} & set(detail)
    staff = text(login("bureau").get(f"/library/{entry.id}"))
    assert 'data-count="addressed">2<' in staff and 'data-count="learned">2<' in staff
    listing = api("bureau").get("/api/v1/library/published").get_json()
    assert listing["items"][0]["tally"] == {"addressed": 2, "learned": 2} and listing["items"][0]["receipt"] is None
    assert api("bureau").post(f"/api/v1/library/published/{publication_id}/learned").status_code == 403


def test_withdrawing_from_the_entry_page(people, login, api):
    entry = add(people.quality, closed_after_two_rounds(people))
    publication_id = publish(people.bureau, entry.id)
    lead, ent_b = login("project_lead"), login("ent_b")
    assert ent_b.get(f"/warning-cases/{publication_id}").status_code == 200
    refused = lead.post(f"/library/publications/{publication_id}/withdraw", data={"reason": "  "})
    page = text(refused)
    assert refused.status_code == 400 and 'id="err-reason"' in page and f'data-publication="{publication_id}"' in page
    done = lead.post(f"/library/publications/{publication_id}/withdraw", data={"reason": "照片需更换"})
    assert done.status_code == 302
    assert ent_b.get(f"/warning-cases/{publication_id}").status_code == 404
    assert PUBLIC["title"] not in text(ent_b.get("/warning-cases"))
    assert api("ent_b").get("/api/v1/library/published").get_json()["total"] == 0
    page = text(lead.get(f"/library/{entry.id}"))
    assert 'data-status="withdrawn"' in page and "照片需更换" in page and f'href="/library/{entry.id}/publish"' in page
    assert lead.post(f"/library/publications/{publication_id}/withdraw", data={"reason": "x"}).status_code == 409
    assert lead.post("/library/publications/999999/withdraw", data={"reason": "x"}).status_code == 404


def test_publishing_through_the_api(people, api):
    entry, photo_ids = entry_with_photos(people)
    bureau = api("bureau")
    for body, field in (({"title": "x"}, "body"), ({**PUBLIC, "photos": ["1"]}, "photos"),
                        ({**PUBLIC, "industries": ["造纸"]}, "industries"),
                        ({**PUBLIC, "body": f"{people.enterprise_a.name}"}, "body")):
        refused = bureau.post(f"/api/v1/typical-cases/{entry.id}/publication", json=body)
        assert refused.status_code == 400 and field in refused.get_json()["fields"], refused.get_json()
    assert api("ent_a").post(f"/api/v1/typical-cases/{entry.id}/publication", json=PUBLIC).status_code == 404
    assert api("quality").post(f"/api/v1/typical-cases/{entry.id}/publication", json=PUBLIC).status_code == 403
    made = bureau.post(f"/api/v1/typical-cases/{entry.id}/publication",
                       json={**PUBLIC, "townships": ["城关镇"], "photos": [photo_ids[1]]})
    assert made.status_code == 201
    data = made.get_json()
    assert data["tally"] == {"addressed": 2, "learned": 0} and len(data["photos"]) == 1
    assert bureau.post(f"/api/v1/typical-cases/{entry.id}/publication", json=PUBLIC).status_code == 409
    assert db.session.query(Notification).filter_by(kind="warning_case").count() == 2
    gone = bureau.post(f"/api/v1/library/published/{data['id']}/withdraw", json={"reason": "重新编写"})
    assert gone.status_code == 200 and gone.get_json()["status"] == "withdrawn"
    assert bureau.post(f"/api/v1/library/published/{data['id']}/withdraw", json={}).status_code == 400


@pytest.mark.parametrize("path", ["/warning-cases", "/warning-cases/1", "/library/1/publish"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
