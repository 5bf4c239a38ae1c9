"""Milestones, parties and the progress timeline over HTTP: the case page's card and late flag, bad input → 400 with
field errors and the input kept, access from outside (another enterprise 404, wrong role 403, a township office sees
its area only), the timeline's filters and bars."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.extensions import db
from app.models import CaseMilestone, UserTownship
from app.services import milestones
from tests.test_lifecycle_service import case_row
from tests.test_regrading import assigned
from tests.test_web_support import text


@pytest.fixture
def town(people, make_user):
    people.enterprise_b.township = "南湖镇"
    db.session.commit()
    user = make_user("town_a", "township")
    user.townships_rel = [UserTownship(township="城关镇")]
    db.session.commit()
    return people


def test_adding_with_bad_input_keeps_it_and_the_card_flags_a_late_milestone(people, login):
    case_id = assigned(people)
    last = milestones.deadline_day(case_row(case_id))
    ent = login("ent_a")
    page = text(ent.get(f"/cases/{case_id}"))
    assert 'id="milestones"' in page and f"/cases/{case_id}/milestones/new" in page
    response = ent.post(f"/cases/{case_id}/milestones/new",
                        data={"title": "更换电缆", "due_on": (last + timedelta(days=1)).isoformat(), "criterion": "验收"})
    assert response.status_code == 400
    page = text(response)
    assert 'id="err-due_on"' in page and 'value="更换电缆"' in page and ">验收</textarea>" in page
    day = milestones.today().isoformat()
    response = ent.post(f"/cases/{case_id}/milestones/new", data={"title": "更换电缆", "due_on": day})
    assert response.status_code == 302
    mid = db.session.query(CaseMilestone).one().id
    assert "milestone-late-flag" not in text(ent.get(f"/cases/{case_id}"))
    clock.advance(days=1)
    page = text(login("bureau").get(f"/cases/{case_id}"))
    assert "milestone-late-flag" in page and f'data-milestone="{mid}" class="late"' in page
    bad = ent.post(f"/cases/{case_id}/milestones/{mid}/done", data={"done_on": "2099-01-01", "done_note": "好了"})
    assert bad.status_code == 400 and 'id="err-done_on"' in text(bad) and ">好了</textarea>" in text(bad)
    assert ent.post(f"/cases/{case_id}/milestones/{mid}/done",
                    data={"done_on": milestones.today().isoformat()}).status_code == 302
    assert "milestone-late-flag" not in text(ent.get(f"/cases/{case_id}"))


def test_access_from_outside(people, login):
    case_id = assigned(people)
    other = login("ent_b")
    assert other.get(f"/cases/{case_id}/milestones/new").status_code == 404
    assert other.post(f"/cases/{case_id}/milestones/new", data={"title": "x"}).status_code == 404
    assert other.get(f"/cases/{case_id}/parties").status_code == 404
    assert login("bureau").get(f"/cases/{case_id}/milestones/new").status_code == 403
    assert login("ent_a").get(f"/cases/{case_id}/parties").status_code == 403
    assert login("project_lead").get(f"/cases/{case_id}/milestones/999/done").status_code == 404


def test_parties_form_keeps_bad_input_and_saves(people, login):
    case_id = assigned(people)
    lead = login("project_lead")
    response = lead.post(f"/cases/{case_id}/parties", data={"responsible_name": "陈工", "responsible_phone": "abc"})
    assert response.status_code == 400
    assert 'id="err-responsible_phone"' in text(response) and 'value="陈工"' in text(response)
    assert lead.post(f"/cases/{case_id}/parties", data={
        "responsible_name": "陈工", "responsible_phone": "13800000000", "technical_name": "李工",
        "supervisor_user_id": str(people.supervision.id)}).status_code == 302
    page = text(login("ent_a").get(f"/cases/{case_id}"))
    assert "陈工" in page and "李工" in page and "supervision" in page


def test_the_timeline_shows_bars_milestones_and_today_within_the_users_area(town, login):
    mine = assigned(town)
    theirs = assigned(town)
    case_row(theirs).enterprise_id = town.enterprise_b.id
    db.session.commit()
    with_mark = milestones.today().isoformat()
    lead = login("project_lead")
    lead.post(f"/cases/{mine}/milestones/new", data={"title": "节点一", "due_on": with_mark})
    page = text(lead.get("/cases/timeline"))
    assert f'data-case="{mine}"' in page and f'data-case="{theirs}"' in page
    assert "gantt-today" in page and "gantt-mark" in page and "节点一" in page
    page = text(lead.get(f"/cases/timeline?enterprise={town.enterprise_b.id}"))
    assert f'data-case="{theirs}"' in page and f'data-case="{mine}"' not in page
    page = text(lead.get("/cases/timeline?township=南湖镇"))
    assert f'data-case="{theirs}"' in page and f'data-case="{mine}"' not in page
    page = text(login("ent_a").get(f"/cases/timeline?enterprise={town.enterprise_b.id}"))
    assert f'data-case="{mine}"' in page and f'data-case="{theirs}"' not in page  # another's id: ignored
    page = text(login("town_a").get("/cases/timeline"))
    assert f'data-case="{mine}"' in page and f'data-case="{theirs}"' not in page
    clock.advance(days=1)
    page = text(lead.get("/cases/timeline?late=1"))
    assert f'data-case="{mine}"' in page and f'data-case="{theirs}"' not in page and "gantt-mark-late" in page
