"""Publishing typical cases to enterprises (典型案例警示教育) through the services: the audience (all, industries,
townships, both) frozen at publishing, the staff of the addressed enterprises told, one live publication per entry,
withdrawal hiding it, the 已学习 receipt kept once per enterprise, the public text refused when it names the source,
photos only of the source case, the counts, and the audit before → after."""
import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, CasePublication, CasePublicationRecipient, Notification
from app.services import case_publications, warning_cases
from tests.bureau_notice_support import add_enterprise, in_session
from tests.concurrency_support import meet_at, needs_two_sessions, one_wins
from tests.case_publication_support import (PUBLIC, case_photo_ids, entry_with_photos, learn, more_enterprises,
                                            publish, withdraw)
from tests.test_typical_cases import add, closed_after_two_rounds


def addressed(publication_id):
    return {r.enterprise.name for r in db.session.query(CasePublicationRecipient).filter_by(
        publication_id=publication_id)}


def titles_for(user):
    rows, total = warning_cases.listing(db.session, in_session(user))
    assert total == len(rows)
    return [r.publication.title for r in rows]


@pytest.mark.parametrize("industries, townships, expected", [
    ([], [], {"甲化工有限公司", "乙机械制造厂", "丙化工科技", "丁机械配件", "戊化工材料"}),
    (["化工"], [], {"甲化工有限公司", "丙化工科技", "戊化工材料"}),
    ([], ["滨江工业园区"], {"丙化工科技", "丁机械配件"}),
    (["化工"], ["滨江工业园区"], {"丙化工科技"}),  # both chosen: of the industry and in the township
    (["化工", "机械"], ["滨江工业园区"], {"丙化工科技", "丁机械配件"}),
])
def test_the_audience_is_resolved_when_publishing(people, industries, townships, expected):
    more_enterprises()
    entry = add(people.quality, closed_after_two_rounds(people))
    publication_id = publish(people.bureau, entry.id, industries=industries, townships=townships)
    assert addressed(publication_id) == expected
    row = db.session.get(CasePublication, publication_id)
    assert row.is_published and row.issuer == "bureau" and row.industries == sorted(industries)
    assert case_publications.tallies(db.session, [publication_id])[publication_id] == \
        {"addressed": len(expected), "learned": 0}


def test_addressed_staff_are_told_and_see_it_others_do_not(people, make_user):
    _c, _d, e = more_enterprises()
    ent_e = make_user("ent_e", "enterprise", enterprise=e)
    entry = add(people.quality, closed_after_two_rounds(people))
    publication_id = publish(people.project_lead, entry.id, industries=["化工"])
    assert db.session.get(CasePublication, publication_id).issuer == "contractor"
    told = {n.user_id: n for n in db.session.query(Notification).filter_by(kind="warning_case")}
    assert set(told) == {people.ent_a.id, ent_e.id}  # 机械's ent_b is not addressed
    notice = told[ent_e.id]
    assert notice.case_id is None and notice.title == f"警示案例：{PUBLIC['title']}"
    assert case_publications.publication_of_key(notice.dedup_key) == publication_id
    assert titles_for(ent_e) == [PUBLIC["title"]] and titles_for(people.ent_b) == []
    with pytest.raises(NotFound):
        warning_cases.get(db.session, in_session(people.ent_b), publication_id)
    e.industry = "机械"  # the audience was frozen when publishing: moving later changes nothing
    db.session.commit()
    assert titles_for(ent_e) == [PUBLIC["title"]]


def test_withdrawal_hides_it_and_it_may_be_published_again(people):
    entry = add(people.quality, closed_after_two_rounds(people))
    first = publish(people.bureau, entry.id)
    with pytest.raises(Conflict):
        publish(people.project_lead, entry.id, title="另一个版本")
    learn(people.ent_b, first)
    withdraw(people.project_lead, first, "文字需更正")
    assert titles_for(people.ent_b) == []
    for user in (people.ent_a, people.ent_b):
        with pytest.raises(NotFound):
            warning_cases.get(db.session, in_session(user), first)
        with pytest.raises(NotFound):
            learn(user, first)
    with pytest.raises(Conflict):
        withdraw(people.bureau, first)
    assert warning_cases.get(db.session, in_session(people.manager), first).publication.is_withdrawn  # staff see it
    assert case_publications.tallies(db.session, [first])[first] == {"addressed": 2, "learned": 1}  # kept
    assert case_publications.prefill(db.session, entry)["title"] == PUBLIC["title"]  # the correction starts from it
    second = publish(people.bureau, entry.id, title="更正后的警示")
    assert titles_for(people.ent_b) == ["更正后的警示"]
    assert [p.id for p in case_publications.of_entry(db.session, entry.id)] == [second, first]
    events = db.session.query(AuditEvent).filter_by(subject_type="typical_case", subject_id=entry.id) \
        .filter(AuditEvent.action.in_(["typical_case_published", "typical_case_withdrawn"])) \
        .order_by(AuditEvent.id).all()
    assert [e.action for e in events] == ["typical_case_published", "typical_case_withdrawn", "typical_case_published"]
    assert events[0].changes["publication"] == [None, "published"] and events[0].case_id is None
    assert events[0].changes["public_title"] == [None, PUBLIC["title"]]
    assert events[1].changes == {"publication": ["published", "withdrawn"]} and events[1].details["reason"] == "文字需更正"


def test_the_receipt_is_kept_once_per_enterprise(people, make_user, app):
    colleague = make_user("ent_b2", "enterprise", enterprise=people.enterprise_b)
    entry = add(people.quality, closed_after_two_rounds(people))
    publication_id = publish(people.bureau, entry.id)
    receipt, recorded = learn(people.ent_b, publication_id)
    first_at = receipt.learned_at
    assert recorded and receipt.learned_by_id == people.ent_b.id
    clock.advance(hours=3)
    again, recorded = learn(colleague, publication_id)
    assert not recorded and again.learned_by_id == people.ent_b.id and again.learned_at == first_at
    again, recorded = learn(people.ent_b, publication_id)
    assert not recorded
    assert case_publications.tallies(db.session, [publication_id])[publication_id] == {"addressed": 2, "learned": 1}
    for user in (people.manager, people.bureau):
        with pytest.raises(NotAllowed):
            learn(user, publication_id)


def test_who_publishes(people):
    entry = add(people.quality, closed_after_two_rounds(people))
    for user in (people.quality, people.manager, people.inspector, people.admin):
        with pytest.raises(NotAllowed):
            publish(user, entry.id)
    for user in (people.ent_a, people.ent_b):
        with pytest.raises(NotFound):
            publish(user, entry.id)
    with pytest.raises(NotAllowed):
        publish(people.process_owner, entry.id)
    with pytest.raises(NotFound):
        publish(people.bureau, 999999)
    publication_id = publish(people.bureau, entry.id)
    with pytest.raises(NotFound):
        withdraw(people.ent_a, publication_id)
    with pytest.raises(NotAllowed):
        withdraw(people.quality, publication_id)
    with pytest.raises(NotFound):
        withdraw(people.bureau, 999999)


@pytest.mark.parametrize("changes, field", [
    ({"title": " "}, "title"),
    ({"body": ""}, "body"),
    ({"title": "x" * 201}, "title"),
    ({"body": "甲化工有限公司配电房线路老化"}, "body"),  # the source enterprise's name
    ({"title": "测试路1号的教训"}, "title"),  # its address
    ({"body": "inspector 发现线路老化"}, "body"),  # the case's inspector
    ({"body": "ent_a 未做接地检测"}, "body"),  # its staff
    ({"industries": ["造纸"]}, "industries"),  # not on the register
    ({"townships": ["不存在镇"]}, "townships"),
    ({"industries": "化工", "townships": [3]}, "townships"),
    ({"photos": ["abc"]}, "photos"),
    ({"photos": [1, 1]}, "photos"),
    ({"photos": {"a": 1}}, "photos"),
    ({"industries": ["机械"], "townships": ["城关镇"], "photos": []}, None),  # valid: ent_b
])
def test_bad_input_names_the_field(people, changes, field):
    entry = add(people.quality, closed_after_two_rounds(people))
    if field is None:
        assert addressed(publish(people.bureau, entry.id, **changes)) == {"乙机械制造厂"}
        return
    with pytest.raises(ValidationFailed) as refused:
        publish(people.bureau, entry.id, **changes)
    assert field in refused.value.fields, refused.value.fields
    assert db.session.query(CasePublication).count() == 0


def test_an_audience_nobody_matches_is_refused(people):
    add_enterprise("己纸业", "北山乡", "造纸", 9)
    entry = add(people.quality, closed_after_two_rounds(people))
    with pytest.raises(ValidationFailed) as refused:  # 造纸 is only in 北山乡
        publish(people.bureau, entry.id, industries=["造纸"], townships=["城关镇"])
    assert "townships" in refused.value.fields and "没有符合发布范围的企业" in refused.value.message
    assert db.session.query(CasePublication).count() == 0 and db.session.query(Notification).count() == 0


def test_photos_only_of_the_source_case(people):
    entry, photo_ids = entry_with_photos(people)
    other = add(people.quality, closed_after_two_rounds(people))
    foreign = case_photo_ids(other.case_id)[0]
    with pytest.raises(ValidationFailed) as refused:
        publish(people.bureau, entry.id, photos=[photo_ids[0], foreign])
    assert "photos" in refused.value.fields
    publication_id = publish(people.bureau, entry.id, photos=[photo_ids[1], photo_ids[0]])
    row = db.session.get(CasePublication, publication_id)
    assert [p.attachment_id for p in row.photos] == [photo_ids[1], photo_ids[0]]  # in the order chosen


def test_the_draft_never_carries_the_causes_or_the_enterprise(people):
    case_id = closed_after_two_rounds(people)
    from app.services import typical_cases
    draft = typical_cases.prefill(db.session, people.quality, case_id)
    entry = add(people.quality, case_id, problem_description=draft["problem_description"])
    assert people.enterprise_a.name in entry.problem_description
    form = case_publications.prefill(db.session, entry)
    assert people.enterprise_a.name not in form["body"] and "某企业" in form["body"]
    assert entry.cause_analysis not in form["body"] and form["photos"] == []


def test_two_publishers_at_once_one_wins(app, people, monkeypatch):
    entry_id = add(people.quality, closed_after_two_rounds(people)).id
    needs_two_sessions()
    meet_at(monkeypatch, case_publications, "check_may_publish")
    refused = one_wins(app, ("bureau", "project_lead"), lambda uow, user: case_publications.publish(
        uow, user, entry_id, {**PUBLIC, "title": f"{user.username} 的版本"}))
    assert "已向企业发布" in refused
    assert db.session.query(CasePublication).count() == 1
    assert db.session.query(CasePublicationRecipient).count() == 2
    assert db.session.query(Notification).filter_by(kind="warning_case").count() == 2


def test_the_demo_publishes_the_cold_store_case_to_every_enterprise(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    row = db.session.query(CasePublication).one()
    source = row.typical_case.case.enterprise.name
    assert row.is_published and row.for_everyone and len(row.photos) == 1
    assert source not in row.title and source not in row.body
    tally = case_publications.tallies(db.session, [row.id])[row.id]
    assert tally["learned"] == 1 and tally["addressed"] == db.session.query(CasePublicationRecipient).count() > 3
