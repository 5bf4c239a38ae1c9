"""The learning centre (学习中心) over HTTP and in the services: who sees which course (enterprise staff: their
audience and industry; drafts 404 to learners), who edits (403), progress and hours, the mock test's draw, scoring,
time limit and that no answer reaches the browser before submission, bad input 400, and recording a completed course
in the enterprise's training register."""
from datetime import timedelta

from app.clock import clock
from app.extensions import db
from app.models import AuditEvent, CourseCompletion, LessonProgress, RosterTraining, TestAttempt
from app.services import learning_bank, learning_tests, roster
from app.services.uow import UnitOfWork
from tests.learning_support import GENERAL, QUESTIONS, course
from tests.test_web_support import field_html, text

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def _bank_ids(row):
    return [q.id for q in learning_bank.bank(db.session, row)]


def test_enterprise_staff_see_their_audience_and_industry_only(people, api, login):
    lead = people.project_lead
    general = course(lead, {"title": "通用课程"})
    staff_only = course(lead, {"title": "排查人员课程", "audience": "staff"})
    chemical = course(lead, {"title": "化工专业课程", "module": "specialised", "industries": "化工、危险化学品",
                             "audience": "enterprise"})
    machinery = course(lead, {"title": "机械专业课程", "module": "specialised", "industries": "机械",
                              "audience": "enterprise"})
    ent_a, ent_b = login("ent_a"), login("ent_b")  # 甲化工 (化工), 乙机械 (机械)
    assert ent_a.get(f"/learning/courses/{general.id}").status_code == 200
    assert ent_a.get(f"/learning/courses/{chemical.id}").status_code == 200
    for row in (staff_only, machinery):
        assert ent_a.get(f"/learning/courses/{row.id}").status_code == 404
        assert api("ent_a").get(f"/api/v1/courses/{row.id}").status_code == 404
        assert api("ent_a").post(f"/api/v1/courses/{row.id}/tests").status_code == 404
    assert ent_b.get(f"/learning/courses/{chemical.id}").status_code == 404
    listed = {i["id"] for i in api("ent_a").get("/api/v1/courses").get_json()["items"]}
    assert listed == {general.id, chemical.id}
    page = text(ent_a.get("/learning"))
    assert f'data-course="{general.id}"' in page and f'data-course="{staff_only.id}"' not in page
    inspector = {i["id"] for i in api("inspector").get("/api/v1/courses").get_json()["items"]}
    assert inspector == {general.id, staff_only.id}  # the enterprise-only modules are not theirs
    bureau = {i["id"] for i in api("bureau").get("/api/v1/courses").get_json()["items"]}
    assert bureau == {general.id, staff_only.id, chemical.id, machinery.id}


def test_only_editors_edit_and_drafts_are_404_to_learners(people, login, api):
    lead = people.project_lead
    published = course(lead)
    draft = course(lead, {"title": "草稿课程"}, publish=False)
    for username in ("ent_a", "inspector", "bureau", "project_team"):
        user = login(username)
        assert user.get(f"/learning/courses/{draft.id}").status_code == 404, username
        assert api(username).get(f"/api/v1/courses/{draft.id}").status_code == 404, username
        assert user.get(f"/learning/courses/{published.id}/edit").status_code == 403, username
        assert user.post(f"/learning/courses/{published.id}/edit", data=GENERAL).status_code == 403, username
        assert user.post(f"/learning/courses/{published.id}/withdraw").status_code == 403, username
        assert user.post(f"/learning/courses/{published.id}/questions", data=QUESTIONS[0]).status_code == 403
        assert user.get("/learning/courses/new").status_code == 403, username
    for username in ("project_lead", "admin"):
        assert login(username).get(f"/learning/courses/{draft.id}").status_code == 200, username
    assert login("admin").post("/learning/courses/new", data={**GENERAL, "title": "新课程"}).status_code == 302
    assert login("ent_a").get("/learning/courses/999999").status_code == 404


def test_course_form_errors_are_400_next_to_the_fields(people, login):
    user = login("project_lead")
    page = user.post("/learning/courses/new", data={**GENERAL, "title": "", "module": "specialised",
                                                   "industries": "", "pass_mark": "120", "audience": "x"})
    assert page.status_code == 400
    html = text(page)
    for name in ("title", "industries", "pass_mark", "audience"):
        assert f'id="err-{name}"' in field_html(html, name), name
    row = course(people.project_lead, publish=False, lessons=0)
    bad = user.post(f"/learning/courses/{row.id}/questions", data={
        "kind": "multiple", "text": "多选", "options": "甲\n乙\n丙", "answer_text": "A", "explanation": "x"})
    assert bad.status_code == 400 and 'id="err-answer"' in text(bad)
    refused = user.post(f"/learning/courses/{row.id}/publish")  # no lesson yet
    assert refused.status_code == 409 and 'id="course-error"' in text(refused)


def test_progress_completion_and_hours(people, login):
    lead = people.project_lead
    row = course(lead)
    inspector = login("inspector")
    first, second = row.lessons
    assert inspector.get(f"/learning/courses/{row.id}/lessons/{first.id}").status_code == 200
    progress = db.session.query(LessonProgress).filter_by(lesson_id=first.id).one()
    assert progress.opened_at == clock.now() and progress.completed_at is None
    clock.set(clock.now() + timedelta(minutes=40))
    assert inspector.post(f"/learning/courses/{row.id}/lessons/{first.id}/done").status_code == 302
    assert inspector.post(f"/learning/courses/{row.id}/lessons/{first.id}/done").status_code == 302  # again: same
    assert db.session.query(CourseCompletion).count() == 0
    assert inspector.post(f"/learning/courses/{row.id}/lessons/{second.id}/done").status_code == 302
    completion = db.session.query(CourseCompletion).one()
    assert completion.minutes == 60 and completion.user_id == people.inspector.id
    actions = [a for (a,) in db.session.query(AuditEvent.action).filter_by(subject_type="course")]
    assert actions.count("learning_lesson_completed") == 2 and actions.count("learning_course_completed") == 1
    assert "1.3 课时（60 分钟" in text(inspector.get("/learning"))  # 60 / 45 minutes
    hours = login("project_lead").get("/learning/hours")
    assert hours.status_code == 200
    html = text(hours)
    row_html = html[html.index(f'data-user="{people.inspector.id}"'):]
    assert "1.3 (60 分钟)" in row_html[:600]
    assert login("ent_a").get("/learning/hours").status_code == 403
    assert login("inspector").get("/learning/hours").status_code == 403
    assert 'href="/learning/hours"' in text(login("project_lead").get("/training/plan"))


def test_scoring_single_multiple_and_true_false(people, api):
    row = course(people.project_lead)
    client = api("inspector")
    started = client.post(f"/api/v1/courses/{row.id}/tests")
    assert started.status_code == 201
    body = started.get_json()
    by_kind = {q["kind"]: q["id"] for q in body["questions"]}
    assert set(by_kind) == {"single", "multiple", "true_false"}
    # single right (B), multiple only partly right (A, B of ABD: wrong), true/false right (B: 错误)
    result = client.post(f"/api/v1/tests/{body['id']}/submit", json={"answers": {
        str(by_kind["single"]): [1], str(by_kind["multiple"]): [0, 1], str(by_kind["true_false"]): [1]}})
    assert result.status_code == 200, result.get_json()
    data = result.get_json()
    assert data["correct"] == 2 and data["score"] == 67 and data["passed"] is False
    explained = {r["question_id"]: r for r in data["results"]}
    assert explained[by_kind["multiple"]]["answer"] == [0, 1, 3] and not explained[by_kind["multiple"]]["correct"]
    assert explained[by_kind["single"]]["explanation"] == "解析-保护接地"
    assert client.post(f"/api/v1/tests/{body['id']}/submit", json={"answers": {}}).status_code == 409
    again = client.post(f"/api/v1/courses/{row.id}/tests").get_json()
    full = client.post(f"/api/v1/tests/{again['id']}/submit", json={"answers": {
        str(by_kind["single"]): [1], str(by_kind["multiple"]): [3, 0, 1], str(by_kind["true_false"]): [1]}})
    assert full.get_json()["score"] == 100 and full.get_json()["passed"] is True
    assert learning_tests.score([], {}) == ([], 0, 0)


def test_the_draw_is_random_but_reproducible_from_its_seed(people, api):
    many = [{"kind": "true_false", "text": f"判断{n}", "answer": "A", "explanation": f"解析{n}"} for n in range(12)]
    row = course(people.project_lead, {"question_count": "5"}, questions=many)
    attempt = api("inspector").post(f"/api/v1/courses/{row.id}/tests").get_json()
    stored = db.session.get(TestAttempt, attempt["id"])
    assert len(stored.question_ids) == 5 == len(attempt["questions"])
    assert stored.question_ids == learning_tests.draw(_bank_ids(row), 5, stored.seed)
    assert [q["id"] for q in attempt["questions"]] == stored.question_ids
    assert learning_tests.draw(range(100), 10, 7) == learning_tests.draw(range(100), 10, 7)
    assert learning_tests.draw([1, 2], 10, 7) in ([1, 2], [2, 1])
    # a test still running is returned again, not drawn afresh
    assert api("inspector").post(f"/api/v1/courses/{row.id}/tests").get_json()["id"] == attempt["id"]


def test_answers_never_reach_the_browser_before_submission(people, login, api):
    row = course(people.project_lead)
    user = login("inspector")
    response = user.post(f"/learning/courses/{row.id}/tests")
    assert response.status_code == 302
    page = text(user.get(response.headers["Location"]))
    assert "配电箱应当怎样接地？" in page
    for question in QUESTIONS:
        assert question["explanation"] not in page
    assert "正确答案" not in page and "data-answer" not in page
    started = api("project_team").post(f"/api/v1/courses/{row.id}/tests")
    raw = started.get_data(as_text=True)
    assert "解析-" not in raw and '"answer"' not in raw and started.get_json()["results"] is None
    assert all(set(q) == {"id", "kind", "text", "choices"} for q in started.get_json()["questions"])
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert login("project_team").get(f"/learning/tests/{attempt_id}").status_code == 404  # another's attempt
    done = user.post(f"/learning/tests/{attempt_id}/submit", data={})
    assert done.status_code == 302
    result = text(user.get(f"/learning/tests/{attempt_id}"))
    assert "解析-保护接地" in result and "正确答案" in result


def test_a_late_submission_is_refused_and_the_test_closed(people, api):
    row = course(people.project_lead)  # 10 minutes
    client = api("inspector")
    first = client.post(f"/api/v1/courses/{row.id}/tests").get_json()
    clock.set(clock.now() + timedelta(minutes=10, seconds=learning_tests.GRACE_SECONDS - 1))
    assert client.post(f"/api/v1/tests/{first['id']}/submit", json={"answers": {}}).status_code == 200  # in grace
    second = client.post(f"/api/v1/courses/{row.id}/tests").get_json()
    clock.set(clock.now() + timedelta(minutes=10, seconds=learning_tests.GRACE_SECONDS + 1))
    late = client.post(f"/api/v1/tests/{second['id']}/submit", json={"answers": {}})
    assert late.status_code == 409
    stored = db.session.get(TestAttempt, second["id"])
    assert stored.status == "expired" and stored.score is None and stored.passed is False
    assert db.session.query(AuditEvent).filter_by(action="learning_test_expired", subject_id=stored.id).count() == 1
    third = client.post(f"/api/v1/courses/{row.id}/tests").get_json()
    assert third["id"] != second["id"] and third["status"] == "open"


def test_bad_answers_are_400(people, api):
    row = course(people.project_lead)
    client = api("inspector")
    body = client.post(f"/api/v1/courses/{row.id}/tests").get_json()
    by_kind = {q["kind"]: q["id"] for q in body["questions"]}
    url = f"/api/v1/tests/{body['id']}/submit"
    for answers in ({"999999": [0]}, {str(by_kind["single"]): [5]}, {str(by_kind["single"]): [0, 1]},
                    {str(by_kind["true_false"]): [2]}):
        response = client.post(url, json={"answers": answers})
        assert response.status_code == 400, answers
    assert client.post(url, json={"answers": {str(by_kind["single"]): ["x"]}}).status_code == 400
    assert client.post(url, json={"answers": []}).status_code == 400
    assert client.post(url, data="nope").status_code == 400
    assert db.session.get(TestAttempt, body["id"]).status == "open"
    assert api("project_team").post(url, json={"answers": {}}).status_code == 404


def test_a_lesson_file_is_served_to_the_learners_who_see_the_course(people, login):
    lead = login("project_lead")
    row = course(people.project_lead, {"audience": "staff"}, lessons=0, publish=False)
    import io
    added = lead.post(f"/learning/courses/{row.id}/lessons/new", data={
        "title": "视频课", "kind": "video", "minutes": "20", "body": "", "upload": (io.BytesIO(MP4), "lesson.mp4")},
        content_type="multipart/form-data")
    assert added.status_code == 302, text(added)
    wrong = lead.post(f"/learning/courses/{row.id}/lessons/new", data={
        "title": "文档课", "kind": "document", "minutes": "20", "upload": (io.BytesIO(MP4), "not-a.pdf")},
        content_type="multipart/form-data")
    assert wrong.status_code == 400 and 'id="err-files"' in text(wrong)
    assert lead.post(f"/learning/courses/{row.id}/publish").status_code == 302
    db.session.expire_all()
    lesson = row.lessons[0]
    public_id = lesson.files[0].public_id
    url = f"/learning/courses/{row.id}/lessons/{lesson.id}/files/{public_id}"
    video = login("inspector").get(url, headers={"Range": "bytes=0-3"})
    assert video.status_code == 206 and video.data == MP4[:4]
    assert login("ent_a").get(url).status_code == 404  # a course for contractor staff only
    assert login("ent_a").get(f"/attachments/{public_id}").status_code == 404


def test_a_completed_course_is_recorded_in_the_enterprise_register_once(people, login):
    row = course(people.project_lead, lessons=2)
    with UnitOfWork() as uow:
        person = roster.save_person(uow, people.ent_a, people.enterprise_a.id, {"name": "张三", "category": "employee"})
        uow.commit()
    user = login("ent_a")
    assert user.post(f"/learning/courses/{row.id}/roster", data={"person_id": str(person.id)}).status_code == 409
    for lesson in row.lessons:
        user.post(f"/learning/courses/{row.id}/lessons/{lesson.id}/done")
    page = text(user.get(f"/learning/courses/{row.id}"))
    assert "记入培训台账" in page and "张三" in page
    assert user.post(f"/learning/courses/{row.id}/roster", data={"person_id": "x"}).status_code == 400
    assert user.post(f"/learning/courses/{row.id}/roster", data={"person_id": str(person.id)}).status_code == 302
    training = db.session.query(RosterTraining).one()
    assert training.person_id == person.id and training.hours == 1.3 and training.kind == "refresher"
    assert user.post(f"/learning/courses/{row.id}/roster", data={"person_id": str(person.id)}).status_code == 409
    assert db.session.query(RosterTraining).count() == 1
    assert login("inspector").post(f"/learning/courses/{row.id}/roster", data={"person_id": "1"}).status_code == 403


def test_english_pages_show_no_chinese_outside_course_data(people, login):
    from app.models import Course, Lesson, Question
    from tests.test_web_i18n_coverage import leftover_chinese, without_user_data
    row = course(people.project_lead, {"industries": "化工"})
    lesson = row.lessons[0]
    lead = login("project_lead")
    started = lead.post(f"/learning/courses/{row.id}/tests").headers["Location"]
    lead.get("/lang/en")
    submitted = login("inspector")
    attempt = submitted.post(f"/learning/courses/{row.id}/tests").headers["Location"]
    submitted.post(attempt + "/submit", data={})
    submitted.get("/lang/en")
    data = {text for c in db.session.query(Course) for text in (c.title, c.summary, *c.industries)}
    data |= {text for x in db.session.query(Lesson) for text in (x.title, x.body)}
    data |= {text for q in db.session.query(Question) for text in (q.text, q.explanation, *q.options)}
    pages = [(lead, url) for url in ("/learning", f"/learning/courses/{row.id}", started,
                                     f"/learning/courses/{row.id}/lessons/{lesson.id}", "/learning/hours",
                                     f"/learning/courses/{row.id}/edit", "/learning/courses/new",
                                     f"/learning/courses/{row.id}/lessons/new", f"/learning/courses/{row.id}/questions")]
    for client, url in pages + [(submitted, attempt)]:
        response = client.get(url)
        assert response.status_code == 200, url
        page = without_user_data(text(response))
        for value in sorted(data, key=len, reverse=True):
            page = page.replace(value, "")
        assert leftover_chinese(page) == {}, url
