"""Notices from the bureau (通知公告) in the pages over HTTP: writing with a file and publishing, the enterprise's list,
opening (已读) and signing (签收) with a reply, 404 for another enterprise, 403 for roles that may not write, the
receipts table with its filters and CSV, urging once a day, withdrawing, the notification's link, and the pages in
English."""
import io

from app.extensions import db
from app.models import Attachment, BureauNotice, BureauNoticeRecipient, Notification
from tests.bureau_notice_support import WRITTEN, create, sign
from tests.test_web_support import PNG, csv_rows, text


def form(**changes):
    data = {**WRITTEN, **changes}
    return {k: v for k, v in data.items() if k != "target_values"}


def test_the_bureau_writes_with_a_file_and_publishes(people, login):
    bureau = login("bureau")
    page = bureau.get("/notices/new")
    assert page.status_code == 200 and 'name="_csrf"' in text(page) and 'enctype="multipart/form-data"' in text(page)
    refused = bureau.post("/notices/new", data={**form(title="", target_kind="industries"), "action": "publish",
                                                "upload": (io.BytesIO(PNG), "map.png")},
                          content_type="multipart/form-data")
    page = text(refused)
    assert refused.status_code == 400 and 'id="err-title"' in page and 'id="err-target_values"' in page
    upload = db.session.query(Attachment).one()  # kept, offered again by id
    assert f'name="files" value="{upload.public_id}"' in page and WRITTEN["body"].split("\n")[0] in page
    saved = bureau.post("/notices/new", data={**form(target_kind="industries"), "industries": ["化工"],
                                              "files": upload.public_id, "action": "draft"})
    notice = db.session.query(BureauNotice).one()
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/notices/{notice.id}")
    assert notice.is_draft and notice.target_values == ["化工"] and db.session.get(Attachment, upload.id).notice_id
    assert login("ent_a").get(f"/notices/{notice.id}").status_code == 404  # a draft is not there for enterprises
    edited = bureau.post(f"/notices/{notice.id}/edit", data={**form(title="高温天气安全预警"), "target_kind": "all",
                                                             "action": "publish"})
    assert edited.status_code == 302
    notice = db.session.get(BureauNotice, notice.id)
    assert notice.is_published and notice.title == "高温天气安全预警"
    assert db.session.query(BureauNoticeRecipient).count() == 2
    assert bureau.get(f"/notices/{notice.id}/edit").status_code == 409
    assert bureau.post(f"/notices/{notice.id}/publish").status_code == 409


def test_roles_that_may_not_write_get_403(people, login):
    notice_id = create(people.bureau, publish=True)
    for role in ("inspector", "project_team", "supervision", "expert", "quality", "process_owner"):
        client = login(role)
        assert client.get("/notices").status_code == 403, role
        assert client.get(f"/notices/{notice_id}").status_code == 403, role
    for role in ("manager", "admin"):
        client = login(role)
        assert client.get(f"/notices/{notice_id}").status_code == 200
        assert client.get("/notices/new").status_code == 403, role
        assert client.post(f"/notices/{notice_id}/urge").status_code == 403, role
    ent = login("ent_a")
    assert ent.get("/notices/new").status_code == 403
    assert ent.post(f"/notices/{notice_id}/urge").status_code == 403
    assert login("project_lead").get("/notices/new").status_code == 200


def test_an_enterprise_reads_and_signs_and_another_gets_404(people, login):
    notice_id = create(people.bureau, publish=True, target_kind="enterprises",
                       target_values=[people.enterprise_a.id])
    ent_a, ent_b = login("ent_a"), login("ent_b")
    listing = text(ent_a.get("/notices"))
    assert WRITTEN["title"] in listing and 'data-receipt="unread"' in listing
    assert WRITTEN["title"] not in text(ent_b.get("/notices"))
    for url in (f"/notices/{notice_id}", f"/notices/{notice_id}/receipts.csv"):
        assert ent_b.get(url).status_code == 404, url
    assert ent_b.post(f"/notices/{notice_id}/sign").status_code == 404
    page = text(ent_a.get(f"/notices/{notice_id}"))
    assert "近期将出现强降雨天气。" in page and "已读" in page and "action=\"/notices/%d/sign\"" % notice_id in page
    assert ent_a.get(f"/notices/{notice_id}/receipts.csv").status_code == 403  # the receipts are the bureau's
    signed = ent_a.post(f"/notices/{notice_id}/sign", data={"reply": "已组织排查"})
    assert signed.status_code == 302
    receipt = db.session.query(BureauNoticeRecipient).one()
    assert receipt.status == "signed" and receipt.reply == "已组织排查" and receipt.signed_by_id == people.ent_a.id
    again = ent_a.post(f"/notices/{notice_id}/sign")
    assert again.status_code == 409 and "已签收" in text(again)


def test_the_receipts_table_filters_exports_and_urges(people, login, make_enterprise):
    make_enterprise("丙纺织厂", industry="纺织")
    notice_id = create(people.bureau, publish=True)
    login("ent_a").get(f"/notices/{notice_id}")
    sign(people.ent_b, notice_id, "收到")
    bureau = login("bureau")
    page = text(bureau.get(f"/notices/{notice_id}"))
    assert 'data-count="recipients">3<' in page and 'data-count="signed">1<' in page
    assert 'data-count="unread">1<' in page
    assert page.count('data-status="') == 3
    unread = text(bureau.get(f"/notices/{notice_id}?status=unread"))
    assert unread.count('data-status="unread"') == 1 and 'data-status="signed"' not in unread
    rows = csv_rows(bureau.get(f"/notices/{notice_id}/receipts.csv"))
    assert rows[0][:5] == ["企业", "统一社会信用代码", "乡镇/园区", "行业", "状态"] and len(rows) == 4
    assert {r[0]: (r[4], r[10]) for r in rows[1:]} == {"丙纺织厂": ("未读", ""), "甲化工有限公司": ("已读", ""),
                                                      "乙机械制造厂": ("已签收", "收到")}
    assert len(csv_rows(bureau.get(f"/notices/{notice_id}/receipts.csv?status=signed"))) == 2
    urged = bureau.post(f"/notices/{notice_id}/urge")
    assert urged.status_code == 302
    assert db.session.query(Notification).filter_by(kind="bureau_notice_urged").count() == 1  # ent_a's staff
    again = bureau.post(f"/notices/{notice_id}/urge")
    assert again.status_code == 409 and "每天最多催签一次" in text(again)


def test_withdrawing_and_the_notifications_link(people, login):
    notice_id = create(people.bureau, publish=True)
    ent = login("ent_a")
    assert f"/notices/{notice_id}" in text(ent.get("/notifications"))
    bureau = login("bureau")
    assert bureau.post(f"/notices/{notice_id}/withdraw", data={"reason": ""}).status_code == 400
    assert bureau.post(f"/notices/{notice_id}/withdraw", data={"reason": "日期有误，重新发布"}).status_code == 302
    page = text(ent.get(f"/notices/{notice_id}"))
    assert "日期有误，重新发布" in page and 'id="withdrawal"' in page and "/sign\"" not in page
    assert ent.post(f"/notices/{notice_id}/sign").status_code == 409


def test_the_pages_in_english_show_no_chinese_outside_user_data(people, login):
    from flask_babel import get_domain
    from test_web_i18n_coverage import leftover_chinese, without_user_data
    from test_web_support import compile_translations
    compile_translations()
    get_domain().cache.clear()
    draft = create(people.project_lead, kind="briefing", target_kind="townships", target_values=["城关镇"])
    published = create(people.bureau, publish=True, sign_by_workdays="2")
    sign(people.ent_b, published, "已传达")
    withdrawn = create(people.bureau, publish=True, kind="notice", sign_by_workdays="")
    login("bureau").post(f"/notices/{withdrawn}/withdraw", data={"reason": "内容有误"})
    for user, urls in (("bureau", ["/notices", "/notices/new", f"/notices/{draft}", f"/notices/{draft}/edit",
                                   f"/notices/{published}", f"/notices/{published}?status=signed",
                                   f"/notices/{withdrawn}", "/audit"]),
                       ("ent_a", ["/notices", f"/notices/{published}", f"/notices/{withdrawn}", "/notifications"]),
                       ("ent_b", [f"/notices/{published}"])):
        client = login(user)
        client.get("/lang/en")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            page = without_user_data(text(response))
            assert '<html lang="en">' in page, url
            assert leftover_chinese(page) == {}, (user, url)


def test_a_draft_keeps_or_drops_its_files_and_publishing_an_empty_target_is_refused(people, login):
    bureau = login("bureau")
    bureau.post("/notices/new", data={**form(target_kind="townships"), "townships": ["无此镇"], "action": "draft",
                                      "upload": [(io.BytesIO(PNG), "a.png"), (io.BytesIO(b"%PDF-1.4 x"), "b.pdf")]},
                content_type="multipart/form-data")
    notice = db.session.query(BureauNotice).one()
    files = sorted(a.original_name for a in notice.attachments)
    assert files == ["a.png", "b.pdf"]
    png = next(a for a in notice.attachments if a.original_name == "a.png")
    assert bureau.get(f"/attachments/{png.public_id}").status_code == 200
    edited = bureau.post(f"/notices/{notice.id}/edit", data={**form(target_kind="townships"), "townships": ["无此镇"],
                                                             "remove_files": png.public_id, "action": "draft"})
    assert edited.status_code == 302
    assert [a.original_name for a in db.session.get(BureauNotice, notice.id).attachments] == ["b.pdf"]
    assert db.session.get(Attachment, png.id).notice_id is None  # back to the writer's own uploads
    refused = bureau.post(f"/notices/{notice.id}/publish")
    assert refused.status_code == 400 and db.session.get(BureauNotice, notice.id).is_draft
