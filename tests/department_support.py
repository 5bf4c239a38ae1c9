"""Helpers of the department users' tests (部门用户): two departments with a login each, a case referred to both."""
import pytest

from app.extensions import db
from tests.referral_support import department, refer
from tests.test_lifecycle_service import register


@pytest.fixture
def depts(people, make_user):
    """The market regulator (user `dept_a`) and the fire brigade (user `dept_b`); one case referred to each: the
    referrals' ids as people.ref_a / people.ref_b, the case as people.case_id."""
    market, fire = department(people.bureau), department(people.bureau, "县消防救援大队", "fire", "xf@example.gov.cn")
    for username, department_id in (("dept_a", market), ("dept_b", fire)):
        user = make_user(username, "department")
        user.department_id = department_id
        user.display_name = f"{username}（部门）"
        db.session.commit()
    case_id = register(people)
    people["ref_a"], people["ref_b"] = refer(people.bureau, case_id, [market, fire])
    people["market"], people["fire"], people["case_id"] = market, fire, case_id
    return people
