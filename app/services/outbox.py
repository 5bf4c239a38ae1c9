"""Delivery of notifications over external channels through an outbox table.

Each notification gets one outbox row per channel the recipient can be reached on; a dispatch job sends
pending rows: email over SMTP, SMS and WeChat as JSON webhooks. Adapters that are not configured record
"not_configured" rather than failing, so nothing is retried forever and an operator sees exactly what was not
sent; a failed delivery (a network error, an HTTP error, a gateway's error code) is retried up to MAX_ATTEMPTS.
"""
import json
import smtplib
import urllib.request
from email.message import EmailMessage

from sqlalchemy import insert

from ..clock import clock
from ..models import OutboxMessage

MAX_ATTEMPTS = 5


_INSERT = insert(OutboxMessage.__table__)


def enqueue(uow, notices, channels):
    """Outbox rows for `notices` ([(notification id, title, body, user)]) on each channel the user has an
    address for, in one statement."""
    now = clock.now()
    rows = []
    for notification_id, title, body, user in notices:
        for channel in channels:
            recipient = {"email": user.email, "sms": user.phone, "wechat": user.phone or user.username}.get(channel)
            if recipient:
                rows.append({"notification_id": notification_id, "channel": channel, "recipient": recipient,
                             "subject": title, "body": body or title, "status": "pending", "attempts": 0,
                             "error": "", "created_at": now, "sent_at": None})
    if rows:
        uow.session.connection().execute(_INSERT, rows)


class EmailAdapter:
    def __init__(self, config):
        self.host, self.port = config.get("SMTP_HOST"), int(config.get("SMTP_PORT") or 25)
        self.user, self.password = config.get("SMTP_USER"), config.get("SMTP_PASSWORD")
        self.sender, self.tls = config.get("SMTP_FROM") or "noreply@localhost", config.get("SMTP_STARTTLS")

    def send(self, message):
        if not self.host:
            return "not_configured", "SMTP_HOST is not set"
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = self.sender, message.recipient, message.subject
        email.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            if self.tls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(email)
        return "sent", ""


class WebhookAdapter:
    """A JSON POST to a configured URL. SMS gateways are contracted per county, so SMS goes to a small bridge
    of the county's choosing ({"phone", "text"}); WeChat goes to a WeCom (企业微信) group robot, which posts the
    notice to the group and @-mentions the recipient by mobile number. Unset URL: "not_configured"."""

    def __init__(self, name, url, payload, timeout=10):
        self.name, self.url, self.payload, self.timeout = name, url, payload, timeout

    def send(self, message):
        if not self.url:
            return "not_configured", f"no {self.name} gateway configured"
        request = urllib.request.Request(self.url, data=json.dumps(self.payload(message), ensure_ascii=False)
                                         .encode("utf-8"), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            body = response.read(65536)
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            answer = {}
        if isinstance(answer, dict) and answer.get("errcode") not in (None, 0):  # WeCom: HTTP 200 with an error
            raise OSError(f"{self.name} gateway: errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")
        return "sent", ""


def _sms_payload(message):
    return {"phone": message.recipient, "text": f"【隐患排查治理】{message.subject}：{message.body}"}


def _wecom_payload(message):
    text = {"content": f"{message.subject}\n{message.body}"}
    if message.recipient.isdigit():
        text["mentioned_mobile_list"] = [message.recipient]
    return {"msgtype": "text", "text": text}


def adapters(config):
    return {"email": EmailAdapter(config),
            "sms": WebhookAdapter("SMS", config.get("SMS_WEBHOOK_URL"), _sms_payload),
            "wechat": WebhookAdapter("WeChat", config.get("WECHAT_WEBHOOK_URL"), _wecom_payload)}


def dispatch(uow, config, limit=100):
    """Send pending messages; returns {status: count}."""
    by_channel = adapters(config)
    counts = {}
    pending = uow.session.query(OutboxMessage).filter(OutboxMessage.status == "pending") \
        .order_by(OutboxMessage.id).limit(limit).all()
    for message in pending:
        message.attempts += 1
        try:
            status, error = by_channel[message.channel].send(message)
        except (OSError, smtplib.SMTPException) as exc:
            status, error = ("failed" if message.attempts >= MAX_ATTEMPTS else "pending"), str(exc)
        message.status, message.error = status, error[:1000]
        if status == "sent":
            message.sent_at = clock.now()
        counts[status] = counts.get(status, 0) + 1
    return counts
