"""SMS and WeChat delivery over real HTTP: the SMS bridge gets {"phone", "text"}, a WeCom group robot gets a text
message that @-mentions the recipient's mobile; a gateway error (HTTP or WeCom errcode) is retried, and given up
after MAX_ATTEMPTS; an unset URL is recorded as not configured."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.extensions import db
from app.models import OutboxMessage
from app.services import outbox
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import register


class Gateway(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received.append((self.path, body))
        status, answer = self.server.answers.pop(0) if self.server.answers else (200, {"errcode": 0})
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    server.received, server.answers = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def dispatch(app, **config):
    with UnitOfWork() as uow:
        counts = outbox.dispatch(uow, dict(app.config, **config))
        uow.commit()
    return counts


def urls(gateway):
    base = f"http://127.0.0.1:{gateway.server_address[1]}"
    return {"SMS_WEBHOOK_URL": f"{base}/sms", "WECHAT_WEBHOOK_URL": f"{base}/wecom"}


@pytest.fixture
def notice_for_the_bureau(people):
    people.bureau.phone = "13900000000"
    # The project leads and the enterprise are told of a major case too (its special report and plan are due):
    # off duty here, so that the bureau's notice is the only one sent.
    people.project_lead.active = people.ent_a.active = False
    db.session.commit()
    register(people, score=60)  # 重大: the bureau is notified at once
    return people


def test_sms_and_wecom_payloads(app, notice_for_the_bureau, gateway):
    assert dispatch(app, **urls(gateway)) == {"sent": 2}
    received = dict(gateway.received)
    assert received["/sms"]["phone"] == "13900000000" and received["/sms"]["text"].startswith("【隐患排查治理】重大隐患报告")
    wecom = received["/wecom"]
    assert wecom["msgtype"] == "text" and wecom["text"]["mentioned_mobile_list"] == ["13900000000"]
    assert "重大隐患报告" in wecom["text"]["content"]
    assert dispatch(app, **urls(gateway)) == {}  # nothing is sent twice


def test_gateway_errors_are_retried_then_given_up(app, notice_for_the_bureau, gateway):
    config = urls(gateway)
    gateway.answers = [(500, {}), (200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    assert dispatch(app, **config) == {"pending": 2}
    errors = {m.channel: m.error for m in db.session.query(OutboxMessage).filter(OutboxMessage.channel != "email")}
    assert "500" in errors["sms"] and "93000" in errors["wechat"]
    gateway.answers = [(503, {})] * 20
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        dispatch(app, **config)
    db.session.expire_all()
    statuses = {m.status for m in db.session.query(OutboxMessage).filter(OutboxMessage.channel != "email")}
    assert statuses == {"failed"}


def test_unset_urls_are_not_configured(app, notice_for_the_bureau):
    assert dispatch(app, SMS_WEBHOOK_URL=None, WECHAT_WEBHOOK_URL=None) == {"not_configured": 2}
