"""Demo data of the training registers (`make run`, services/roster.py): the chemical plant (a high-risk industry:
48 / 16 hours, pre-job 72) with its principal compliant, a safety manager short of this year's hours, a welder whose
certificate runs out within the month (the scheduler's first run tells the plant) and an electrician whose certificate
has expired (the visit page's hint), and a former operator who left; the machinery works (a general industry) all
compliant; the food company's new hire without their pre-job education yet."""
from datetime import date, timedelta

from ..clock import clock
from . import roster

# enterprise user, person's values, [(kind, hours, days before today or "year": early this year)]
PEOPLE = [
    ("enterprise", {"name": "陈国强", "position": "总经理", "category": "principal", "hired_on": "2015-06-01"},
     [("initial", 48, 2900), ("refresher", 16, "year")]),
    ("enterprise", {"name": "陈安全", "position": "安全科长", "category": "safety_manager", "hired_on": "2018-03-01"},
     [("initial", 48, 2500), ("refresher", 8, "year")]),
    ("enterprise", {"name": "周焊工", "position": "焊工", "category": "special_worker", "hired_on": "2019-04-01",
                    "operation_kind": "welding", "certificate_number": "T330102198805061234", "issued": -2171},
     [("pre_job", 72, 2400), ("refresher", 20, "year")]),
    ("enterprise", {"name": "赵电工", "position": "电工", "category": "special_worker", "hired_on": "2017-09-01",
                    "operation_kind": "electrical", "certificate_number": "T330102198203154321", "issued": -2200},
     [("pre_job", 72, 3000), ("refresher", 20, "year")]),
    ("enterprise", {"name": "孙操作", "position": "合成岗操作工", "category": "employee", "hired_on": "2016-05-01",
                    "left_on": -40}, [("pre_job", 72, 3400)]),
    ("enterprise2", {"name": "林厂长", "position": "厂长", "category": "principal", "hired_on": "2012-01-01"},
     [("initial", 32, 3600), ("refresher", 12, "year")]),
    ("enterprise2", {"name": "李工", "position": "安全员", "category": "safety_manager", "hired_on": "2020-07-01"},
     [("initial", 32, 1900), ("refresher", 12, "year")]),
    ("enterprise2", {"name": "吴电工", "position": "维修电工", "category": "special_worker", "hired_on": "2021-02-01",
                     "operation_kind": "electrical", "certificate_number": "T330104199001012222", "issued": -700},
     [("pre_job", 24, 1700)]),
    ("enterprise3", {"name": "王主任", "position": "安全主任", "category": "safety_manager", "hired_on": "2019-10-01"},
     [("initial", 32, 2200), ("refresher", 12, "year")]),
    ("enterprise3", {"name": "郑新", "position": "包装工", "category": "new_employee", "hired_on": 0}, []),
]


def seed(uow, users):
    today = clock.local_now().date()
    early_this_year = min(today, date(today.year, 1, 8))
    for username, values, trainings in PEOPLE:
        writer = users[username]
        form = dict(values)
        if "issued" in form:
            form["certificate_issued_on"] = (today + timedelta(days=form.pop("issued"))).isoformat()
        for name in ("left_on", "hired_on"):
            if isinstance(form.get(name), int):
                form[name] = (today + timedelta(days=form[name])).isoformat()
        left_on = form.pop("left_on", "")
        person = roster.save_person(uow, writer, writer.enterprise_id, form)
        for kind, hours, when in trainings:
            day = early_this_year if when == "year" else today - timedelta(days=when)
            roster.add_training(uow, writer, writer.enterprise_id, person.id,
                                {"trained_on": day.isoformat(), "hours": hours, "kind": kind,
                                 "provider": "县安全生产培训中心" if kind != "pre_job" else "企业安全科",
                                 "certificate": ""})
        if left_on:
            roster.save_person(uow, writer, writer.enterprise_id, {**form, "left_on": left_on}, person.id)
