"""Helpers shared by the API tests (no tests here): uploads, registration, finding and completing tasks."""
import io

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"

ASSIGNMENT = {"rectification_requirements": "更换破损的配电箱门并加锁", "contact_person": "王安全",
              "contact_phone": "13800138000"}


def upload(client, content=PNG, name="photo.png", field=""):
    data = {"file": (io.BytesIO(content), name)}
    if field:
        data["field"] = field
    r = client.post("/api/v1/attachments", data=data, content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def registration(client, enterprise_id, score=90, **overrides):
    body = {"enterprise_id": enterprise_id, "hazard_type": "electrical", "place": "二号车间配电房",
            "description": "配电箱门损坏，带电部位外露", "score": score, "legal_major": False,
            "latitude": 30.27, "longitude": 120.15, "photos": [upload(client)]}
    body.update(overrides)
    return body


def register(client, enterprise_id, score=90, **overrides):
    r = client.post("/api/v1/hazards", json=registration(client, enterprise_id, score, **overrides))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def open_tasks(client, case_id):
    r = client.get(f"/api/v1/hazards/{case_id}/tasks")
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def task_for(client, case_id, form_key):
    matches = [t for t in open_tasks(client, case_id) if t["form_key"] == form_key]
    assert len(matches) == 1, (form_key, open_tasks(client, case_id))
    return matches[0]


def complete(client, task_id, data, status=200):
    r = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data})
    assert r.status_code == status, r.get_json()
    return r.get_json()


def rectification(client):
    return {"measures": "更换配电箱门，加装门锁，张贴警示标识", "progress_percent": 100, "completed": True,
            "responsible_person": "王安全", "after_photos": [upload(client, field="after_photos")]}


def verification(passed):
    if passed:
        return {"passed": True, "opinion": "现场复核，整改到位"}
    return {"passed": False, "opinion": "门锁未安装", "added_requirements": "加装门锁并补充巡检记录"}
