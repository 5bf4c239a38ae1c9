"""Helpers shared by the HTML tests (no tests here): a tiny PNG, upload, register, find and complete tasks."""
import csv
import io

from app.models import HazardCase, HumanTask

# The smallest valid PNG (1x1, RGBA): the upload check sniffs the signature, the browser shows it.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def upload(client, field="photos", data=PNG, name="site.png"):
    response = client.post("/attachments", data={"file": (io.BytesIO(data), name), "field": field},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def registration(enterprise, photo_id, **changes):
    form = {"enterprise_id": str(enterprise.id), "place": "一号车间配电房", "hazard_type": "electrical",
            "description": "配电柜前堆放杂物，柜门未关闭", "photos": [photo_id], "score": "90",
            "legal_major": "false", "found_at": "2026-11-23T08:30"}
    form.update(changes)
    return form


def register(client, enterprise, **changes):
    """Register a hazard through the HTML form; returns the new case."""
    photo = upload(client)
    response = client.post("/hazards/new", data=registration(enterprise, photo, **changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    return HazardCase.query.filter_by(id=int(response.headers["Location"].rsplit("/", 1)[1])).one()


def open_task(case, form_key):
    task = HumanTask.query.filter_by(case_id=case.id, form_key=form_key).one()
    return task


def submit(client, task, data, expect=302):
    response = client.post(f"/tasks/{task.id}", data=data)
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


ASSIGNMENT = {"rectification_requirements": "清理配电柜前杂物，保持柜门关闭并上锁", "contact_person": "王安全",
              "contact_phone": "13800138000"}


def field_html(html, name):
    """The markup of one form field (label, control, error, help), to check what sits next to it."""
    start = html.index(f'id="field-{name}"')
    ends = [i for i in (html.find('id="field-', start + 1), html.find('class="form-actions"', start)) if i != -1]
    return html[start:min(ends)]


def text(response):
    return response.get_data(as_text=True)


def csv_rows(response):
    """The rows of a CSV download, after checking it is one: 200, UTF-8 CSV, an attachment, a byte-order mark."""
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def compile_translations():
    """Compile the .po catalogs to .mo (gitignored) when stale: `make install` does it, a bare pytest may not."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    for po in Path(__file__).resolve().parent.parent.glob("app/translations/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)
