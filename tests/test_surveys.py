"""Survey rounds (services/surveys.py) through HTTP: a project lead creates and opens a round (the audience told),
recipients answer once, the round shows response rates and averages, closes; respondents see only the rounds
addressed to them; bad input kept with field errors."""
from app.extensions import db
from app.models import AuditEvent, Notification, SurveyResponse, SurveyRound, UserTownship
from app.services import surveys

ANSWER = {"q_attitude": "5", "q_expertise": "4", "q_timeliness": "3", "q_guidance": "4", "comment": "很好"}


def _township(make_user, name="town"):
    user = make_user(name, "township")
    db.session.add(UserTownship(user_id=user.id, township="城关镇"))
    db.session.commit()
    return user


def _round(lead, title="2026年度服务满意度调查", audience=("enterprise", "township")):
    r = lead.post("/surveys", data={"title": title, "audience": list(audience)})
    assert r.status_code == 302, r.get_data(as_text=True)
    return SurveyRound.query.filter_by(title=title).one()


def test_open_answer_once_rates_and_close(people, login, make_user):
    town = _township(make_user)
    lead = login("project_lead")
    row = _round(lead)
    assert SurveyResponse.query.count() == 0  # a draft has no recipients yet
    assert login("ent_a").get(f"/surveys/{row.id}").status_code == 404
    assert lead.post(f"/surveys/{row.id}/open").status_code == 302
    assert lead.post(f"/surveys/{row.id}/open").status_code == 409
    told = {n.user_id for n in Notification.query.filter_by(kind="survey_opened")}
    assert told == {people.ent_a.id, people.ent_b.id, town.id}
    ent_a = login("ent_a")
    assert "answer-survey" in ent_a.get(f"/surveys/{row.id}").get_data(as_text=True)
    assert ent_a.post(f"/surveys/{row.id}/answer", data=ANSWER).status_code == 302
    assert ent_a.post(f"/surveys/{row.id}/answer", data=ANSWER).status_code == 409
    assert login("town").post(f"/surveys/{row.id}/answer", data={**ANSWER, "q_attitude": "3"}).status_code == 302
    page = login("manager").get(f"/surveys/{row.id}").get_data(as_text=True)
    assert "2/3" in page or ">2<" in page
    summary = surveys.summary(db.session.get(SurveyRound, row.id))
    assert (summary.total, summary.total_answered, summary.overall_rate) == (3, 2, 66.7)
    assert summary.audience_rate("enterprise") == 50.0 and summary.audience_rate("township") == 100.0
    assert summary.averages == {"q_attitude": 4.0, "q_expertise": 4.0, "q_timeliness": 3.0, "q_guidance": 4.0}
    assert "1/2（50.0%）" not in page and "66.7%" in page
    csv = login("bureau").get(f"/surveys/{row.id}.csv")
    assert csv.status_code == 200 and "甲化工有限公司" in csv.get_data(as_text=True)
    assert ent_a.get(f"/surveys/{row.id}.csv").status_code == 403
    assert lead.post(f"/surveys/{row.id}/close").status_code == 302
    assert login("ent_b").post(f"/surveys/{row.id}/answer", data=ANSWER).status_code == 409
    closed = AuditEvent.query.filter_by(action="survey_round_closed").one()
    assert closed.changes == {"status": ["open", "closed"]} and closed.details["answered"] == 2


def test_respondents_see_only_rounds_addressed_to_them(people, login, make_user):
    _township(make_user)
    lead = login("project_lead")
    to_townships = _round(lead, "属地监管问卷", ("township",))
    lead.post(f"/surveys/{to_townships.id}/open")
    ent_a = login("ent_a")
    assert ent_a.get(f"/surveys/{to_townships.id}").status_code == 404
    assert ent_a.post(f"/surveys/{to_townships.id}/answer", data=ANSWER).status_code == 404
    assert "属地监管问卷" not in ent_a.get("/surveys").get_data(as_text=True)
    assert "属地监管问卷" in login("town").get("/surveys").get_data(as_text=True)
    assert login("inspector").get("/surveys").status_code == 403
    assert ent_a.post("/surveys", data={"title": "x", "audience": ["enterprise"]}).status_code == 403
    assert login("bureau").post(f"/surveys/{to_townships.id}/close").status_code == 403
    assert lead.get("/surveys/999").status_code == 404


def test_bad_input_shows_field_errors_and_keeps_it(people, login):
    lead = login("project_lead")
    r = lead.post("/surveys", data={"title": "  ", "audience": ["everyone"]})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert 'id="err-title"' in page and 'id="err-audience"' in page
    r = lead.post("/surveys", data={"title": "保留的标题", "audience": []})
    assert r.status_code == 400 and 'value="保留的标题"' in r.get_data(as_text=True)
    row = _round(lead, audience=("enterprise",))
    lead.post(f"/surveys/{row.id}/open")
    r = login("ent_a").post(f"/surveys/{row.id}/answer", data={**ANSWER, "q_guidance": "9", "comment": "保留意见"})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert 'id="err-q_guidance"' in page and "保留意见" in page and 'value="5" checked' in page
    assert SurveyResponse.query.filter(SurveyResponse.answered_at.isnot(None)).count() == 0
