"""The meetings pages and API over HTTP (web/meetings.py, meeting_actions.py, api/meetings.py): planning through the
form with a file, a bad form back with 400, its errors next to the fields and the input kept; the minutes recorded,
issued and signed for on the page (the enterprise through the 会议纪要 notice); enterprise isolation from the outside
(another enterprise's meeting, file, PDF and items 404; wrong roles 403); action items added, marked done by their
owner only; the lists and their CSV; the commitments page; the minutes PDF; department users; the API."""
import io

from app.extensions import db
from app.models import Attachment, BureauNoticeRecipient, HazardCase, Meeting, MeetingAction
from tests.meeting_support import add_action, held_and_issued, issue, plan, record
from tests.pdf_support import missing
from tests.test_web_support import csv_rows, field_html, text

PDF = b"%PDF-1.4\n%test\n"


def _form(people, **changes):
    form = {"kind": "symposium", "title": "第四季度企业座谈会", "starts_at": "2026-11-20T14:00", "place": "园区管委会",
            "organiser": "contractor", "enterprise_ids": [str(people.enterprise_a.id)],
            "staff_ids": [str(people.inspector.id)], "others": "刘高工（特邀专家）", "agenda": "听取企业困难和诉求"}
    form.update(changes)
    return form


def test_a_project_lead_plans_a_meeting_with_a_file_and_records_and_issues_its_minutes(people, login):
    lead = login("project_lead")
    page = text(lead.get("/meetings/new"))
    assert 'name="_csrf"' in page and 'value="contractor" selected' in page
    data = _form(people)
    data["upload"] = [(io.BytesIO(PDF), "座谈会通知.pdf")]
    done = lead.post("/meetings/new", data=data, content_type="multipart/form-data")
    assert done.status_code == 302, text(done)
    row = Meeting.query.one()
    assert done.headers["Location"].endswith(f"/meetings/{row.id}") and row.status == "planned"
    item = Attachment.query.filter_by(meeting_id=row.id).one()
    page = text(lead.get(f"/meetings/{row.id}"))
    assert "第四季度企业座谈会" in page and "刘高工（特邀专家）" in page and "座谈会通知.pdf" in page
    bad = lead.post(f"/meetings/{row.id}/minutes", data={"minutes": " "})
    assert bad.status_code == 400 and 'id="err-minutes"' in field_html(text(bad), "minutes")
    assert lead.post(f"/meetings/{row.id}/minutes", data={"minutes": "企业反映检测费用高。\n\n会议决定统一组织检测。"}
                     ).status_code == 302
    bad = lead.post(f"/meetings/{row.id}/actions", data={"text": "", "owner": "user:999999", "due_on": "2026-11-30",
                                                         "due_workdays": "x"})
    assert bad.status_code == 400
    page = text(bad)
    assert 'id="err-text"' in field_html(page, "text") and 'id="err-owner"' in field_html(page, "owner")
    assert 'id="err-due_workdays"' in field_html(page, "due_workdays") and 'value="2026-11-30"' in page
    owner = f"enterprise:{people.enterprise_a.id}"
    assert lead.post(f"/meetings/{row.id}/actions", data={"text": "统一组织检测", "owner": owner,
                                                          "due_workdays": "10"}).status_code == 302
    bad = lead.post(f"/meetings/{row.id}/issue", data={"sign_by_workdays": "99"})
    assert bad.status_code == 400 and 'id="err-sign_by_workdays"' in text(bad)
    assert lead.post(f"/meetings/{row.id}/issue", data={"sign_by_workdays": "3"}).status_code == 302
    assert db.session.get(Meeting, row.id).status == "issued"
    assert lead.post(f"/meetings/{row.id}/edit", data=_form(people)).status_code == 409
    ent = login("ent_a")
    assert ent.get(f"/meetings/{row.id}/files/{item.public_id}").status_code == 200
    assert ent.get(f"/attachments/{item.public_id}").status_code == 200  # the general download follows the meeting
    page = text(ent.get(f"/meetings/{row.id}"))
    assert "会议决定统一组织检测" in page and "统一组织检测" in page
    receipt = BureauNoticeRecipient.query.one()
    assert receipt.read_by_id == people.ent_a.id and receipt.signed_at is None  # opened: read through the notice
    assert ent.post(f"/meetings/{row.id}/sign", data={"reply": "已收到"}).status_code == 302
    assert BureauNoticeRecipient.query.one().reply == "已收到"
    assert ent.post(f"/meetings/{row.id}/sign", data={"reply": ""}).status_code == 409
    page = text(lead.get(f"/meetings/{row.id}"))
    assert 'data-receipt="enterprise-' in page and "已收到" in page
    notice_page = text(ent.get(f"/notices/{receipt.notice_id}"))
    assert f"/meetings/{row.id}" in notice_page  # the minutes notice links its meeting


def test_the_case_page_lists_the_general_meetings_that_discussed_it(people, login):
    from tests.test_lifecycle_service import register
    case_id = register(people)
    code = db.session.get(HazardCase, case_id).code
    meeting_id = plan(people.bureau, [people.enterprise_a], case_codes=code)
    assert [c.id for c in db.session.get(Meeting, meeting_id).cases] == [case_id]
    assert f'data-general-meeting="{meeting_id}"' in text(login("bureau").get(f"/cases/{case_id}"))
    assert f'data-general-meeting="{meeting_id}"' not in text(login("ent_a").get(f"/cases/{case_id}"))
    assert code in text(login("bureau").get(f"/meetings/{meeting_id}"))


def test_a_bad_form_comes_back_with_its_errors_and_input(people, login):
    lead = login("project_lead")
    bad = lead.post("/meetings/new", data=_form(people, title="", starts_at="soon", place="三号会议室",
                                                case_codes="YH-2026-9999"))
    assert bad.status_code == 400
    page = text(bad)
    assert 'id="err-title"' in field_html(page, "title") and 'id="err-starts_at"' in field_html(page, "starts_at")
    assert 'id="err-case_codes"' in field_html(page, "case_codes")
    assert 'value="三号会议室"' in field_html(page, "place") and "听取企业困难和诉求" in page
    assert f'value="{people.enterprise_a.id}" selected' in page and 'value="symposium" selected' in page
    assert Meeting.query.count() == 0


def test_enterprise_isolation_and_roles_from_the_outside(people, login, make_user):
    make_user("town", "township")
    meeting_id, (item_a, item_lead) = held_and_issued(people, enterprises=[people.enterprise_a], owners=(
        f"enterprise:{people.enterprise_a.id}", f"user:{people.project_lead.id}"))
    other = login("ent_b")
    paths = (f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/minutes.pdf", f"/meetings/{meeting_id}/edit",
             f"/api/v1/meetings/{meeting_id}")
    for path in paths[:3]:
        assert other.get(path).status_code == 404, path
    for path in (f"/meetings/{meeting_id}/sign", f"/meetings/actions/{item_a}/done",
                 f"/meetings/actions/{item_a}/cancel"):
        assert other.post(path, data={"note": "x"}).status_code == 404, path
    assert f"/meetings/{meeting_id}" not in text(other.get("/meetings"))
    assert csv_rows(other.get("/meetings.csv"))[1:] == [] and csv_rows(other.get("/meetings/actions.csv"))[1:] == []
    ent = login("ent_a")
    assert ent.get("/meetings/new").status_code == 403 and ent.get("/meetings/commitments").status_code == 403
    assert ent.post(f"/meetings/{meeting_id}/actions", data={"text": "x"}).status_code == 403
    assert ent.post(f"/meetings/actions/{item_lead}/done", data={"note": "x"}).status_code == 404  # not its item
    page = text(ent.get("/meetings/actions"))
    assert f'data-action="{item_a}"' in page and f'data-action="{item_lead}"' not in page
    town = login("town")
    assert town.get("/meetings").status_code == 403 and town.get(f"/meetings/{meeting_id}").status_code == 403
    assert login("inspector").post(f"/meetings/actions/{item_a}/done", data={"note": "x"}).status_code == 403
    assert login("inspector").get("/meetings/new").status_code == 403
    assert login("manager").get(f"/meetings/{meeting_id}").status_code == 200  # other staff read


def test_a_planned_meeting_shows_an_attending_enterprise_no_minutes_or_files(people, login):
    meeting_id = plan(people.bureau, [people.enterprise_a])
    record(people.bureau, meeting_id)
    ent = login("ent_a")
    page = text(ent.get(f"/meetings/{meeting_id}"))
    assert "11月份政企联席会议" in page and "本月排查企业" not in page
    assert ent.get(f"/meetings/{meeting_id}/minutes.pdf").status_code == 404


def test_the_owner_marks_an_item_done_on_the_page_with_a_note(people, login):
    meeting_id, (item_id,) = held_and_issued(people, owners=(f"enterprise:{people.enterprise_a.id}",))
    ent = login("ent_a")
    bad = ent.post(f"/meetings/actions/{item_id}/done", data={"note": " "})
    assert bad.status_code == 400 and "请填写完成情况" in text(bad)
    assert login("bureau").post(f"/meetings/actions/{item_id}/done", data={"note": "代为完成"}).status_code == 403
    assert ent.post(f"/meetings/actions/{item_id}/done", data={"note": "已提交整改计划"}).status_code == 302
    item = db.session.get(MeetingAction, item_id)
    assert (item.status, item.note, item.closed_by_id) == ("done", "已提交整改计划", people.ent_a.id)
    assert login("bureau").post(f"/meetings/actions/{item_id}/cancel", data={"note": "x"}).status_code == 409


def test_the_lists_csv_pdf_and_commitments(people, login):
    meeting_id, (item_id,) = held_and_issued(people, owners=(f"user:{people.project_lead.id}",))
    other = plan(people.project_lead, staff=[people.quality], kind="quality", title="11月质量分析会",
                 organiser="contractor")
    bureau = login("bureau")
    page = text(bureau.get("/meetings?kind=joint"))
    assert f'data-meeting="{meeting_id}"' in page and f'data-meeting="{other}"' not in page
    assert bureau.get("/meetings?date_from=yesterday").status_code == 400
    rows = csv_rows(bureau.get("/meetings.csv"))
    assert rows[0][:3] == ["编号", "类别", "会议名称"] and {r[2] for r in rows[1:]} == {"11月份政企联席会议", "11月质量分析会"}
    page = text(bureau.get("/meetings/actions"))
    assert f'data-action="{item_id}"' in page
    assert f'data-action="{item_id}"' not in text(bureau.get("/meetings/actions?overdue=1"))  # due on the 30th
    actions = csv_rows(bureau.get("/meetings/actions.csv?status=all"))
    assert actions[1][4] == "提交甲类仓库分批整改计划" and actions[1][6] == people.project_lead.display_name
    pdf = bureau.get(f"/meetings/{meeting_id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert missing(pdf.data, "会议纪要", "11月份政企联席会议", "本月排查企业9家", "提交甲类仓库分批整改计划",
                   people.enterprise_a.name) == []
    page = text(bureau.get("/meetings/commitments?year=2026"))
    assert 'data-period="2026-11" data-state="met"' in page and 'data-period="2026-10" data-state="missed"' in page
    assert 'data-period="2026Q4" data-state="open"' in page


def test_department_users_reach_the_meetings_their_department_attended(people, login, make_user, api):
    from tests.referral_support import department
    fire = department(people.bureau, "县消防救援大队", "fire", "xf@example.gov.cn")
    user = make_user("dept_fire", "department")
    user.department_id = fire
    db.session.commit()
    meeting_id = plan(people.bureau, [people.enterprise_a], departments=[fire], kind="consultation",
                      title="消防通道占用问题会商会")
    record(people.bureau, meeting_id)
    item_id = add_action(people.bureau, meeting_id, f"department:{fire}")
    issue(people.bureau, meeting_id)
    dept = login("dept_fire")
    assert "消防通道占用问题会商会" in text(dept.get("/meetings"))
    assert "本月排查企业" in text(dept.get(f"/meetings/{meeting_id}"))
    assert dept.post(f"/meetings/{meeting_id}/sign").status_code == 302
    assert dept.post(f"/meetings/actions/{item_id}/done", data={"note": "已联合检查"}).status_code == 302
    assert dept.get("/meetings/commitments").status_code == 403 and dept.get("/cases").status_code == 403
    token = api("dept_fire")
    assert [m["id"] for m in token.get("/api/v1/meetings").get_json()["items"]] == [meeting_id]
    assert token.get("/api/v1/trainings").status_code == 403


def test_the_api_is_scoped(people, api):
    meeting_id, (item_id,) = held_and_issued(people, enterprises=[people.enterprise_a],
                                             owners=(f"enterprise:{people.enterprise_a.id}",))
    draft = plan(people.bureau, [people.enterprise_b])
    staff = api("manager").get("/api/v1/meetings?kind=joint").get_json()
    assert staff["total"] == 2 and {m["id"] for m in staff["items"]} == {meeting_id, draft}
    ent = api("ent_a")
    body = ent.get("/api/v1/meetings").get_json()
    assert [m["id"] for m in body["items"]] == [meeting_id] and body["items"][0]["case_codes"] == []
    one = ent.get(f"/api/v1/meetings/{meeting_id}").get_json()
    assert one["minutes"].startswith("本月排查企业") and [i["id"] for i in one["action_items"]] == [item_id]
    assert BureauNoticeRecipient.query.filter_by(enterprise_id=people.enterprise_a.id).one().read_at is not None
    assert api("ent_b").get(f"/api/v1/meetings/{meeting_id}").status_code == 404
    other = api("ent_b").get(f"/api/v1/meetings/{draft}").get_json()
    assert other["minutes"] is None and other["action_items"] == []  # planned: nothing published yet
    bad = api("manager").get("/api/v1/meetings?kind=party&limit=0")
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) == {"kind", "limit"}


def test_english_meeting_pages_show_no_chinese_outside_user_data(people, login):
    from flask_babel import get_domain
    from markupsafe import escape
    from tests.pdf_support import pdf_text
    from tests.test_web_i18n_coverage import leftover_chinese, without_user_data
    from tests.test_web_support import compile_translations
    compile_translations()
    get_domain().cache.clear()
    meeting_id, (item_id,) = held_and_issued(people, owners=(f"enterprise:{people.enterprise_a.id}",))
    planned = plan(people.project_lead, staff=[people.quality], kind="quality", title="质量分析会",
                   organiser="contractor")
    bureau, ent = login("bureau"), login("ent_a")
    for c in (bureau, ent):
        c.get("/lang/en")
    pages = [(bureau, "/meetings"), (bureau, f"/meetings/{meeting_id}"), (bureau, f"/meetings/{planned}"),
             (bureau, "/meetings/new"), (bureau, f"/meetings/{planned}/edit"), (bureau, f"/meetings/{planned}/minutes"),
             (bureau, "/meetings/actions"), (bureau, "/meetings/commitments"), (ent, "/meetings"),
             (ent, f"/meetings/{meeting_id}"), (ent, "/meetings/actions"), (bureau, "/notifications"),
             (ent, "/notifications")]
    responses = [(url, c.get(url)) for c, url in pages]
    responses.append(("invalid meeting", bureau.post("/meetings/new", data={"title": ""})))
    responses.append(("invalid item", bureau.post(f"/meetings/{meeting_id}/actions", data={"text": ""})))
    responses.append(("invalid done", ent.post(f"/meetings/actions/{item_id}/done", data={"note": ""})))

    def shown(page):
        page = without_user_data(page)  # first: stored notices' titles hold a meeting's title
        for row in Meeting.query:
            for value in (row.title, row.place, row.others, row.agenda, row.minutes, *row.other_lines,
                          *row.minutes.split("\n\n"), *row.agenda.splitlines()):
                if value:
                    page = page.replace(str(escape(value)), "").replace(value, "")
        for item in MeetingAction.query:
            page = page.replace(str(escape(item.text)), "").replace(item.text, "")
        return page
    for url, response in responses:
        assert response.status_code in (200, 400), url
        page = text(response)
        assert '<html lang="en">' in page, url
        assert leftover_chinese(shown(page)) == {}, url
    assert leftover_chinese(shown(pdf_text(bureau.get(f"/meetings/{meeting_id}/minutes.pdf").get_data()))) == {}
