"""Who may see and do what in IoT monitoring (物联网监测预警), and the ingest keys.

- Every staff role that works across enterprises reads all devices and alarms (the roles that see every case);
  an enterprise's staff read their own enterprise's, and get 404 for another's — never its data.
- The roles that keep the register's data register and edit devices, keys, gateways and the maintenance ledger:
  administrators (who keep the enterprise register) and project leads (who run the service on site).
- An alarm is handled (acknowledged, closed) by those who answer for it: its enterprise's staff — the 相关责任人
  the alarm is pushed to —, the bureau, project leads and administrators.
"""
import hashlib
import secrets

from sqlalchemy import false, true

from ..errors import NotAllowed, NotFound
from ..models import IotAlarm, IotDevice
from ..models.user import OVERSIGHT_ROLES

EDITORS = ("admin", "project_lead")
STAFF_HANDLERS = ("bureau", "project_lead", "admin")
DEVICE_KEY_PREFIX, GATEWAY_KEY_PREFIX = "iotd_", "iotg_"
KEY_HINT_LENGTH = 10  # the prefix and five characters: enough to tell keys apart on a page, useless to guess one


def reads_all(user):
    return user.has_role(*OVERSIGHT_ROLES)


def is_enterprise_staff(user):
    return "enterprise" in user.roles and bool(user.enterprise_id)


def may_read(user):
    return reads_all(user) or is_enterprise_staff(user)


def may_edit(user):
    return user.has_role(*EDITORS)


def may_handle(user, alarm):
    """Acknowledge and close this alarm."""
    return user.has_role(*STAFF_HANDLERS) or (is_enterprise_staff(user) and user.enterprise_id == alarm.enterprise_id)


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("物联网监测仅供企业人员和监管、服务人员查看 / IoT monitoring is for enterprise staff and the "
                         "supervising and service staff")


def check_may_edit(user):
    if not may_edit(user):
        raise NotAllowed("只有项目负责人和系统管理员可以登记和修改监测设备 / only project leads and administrators "
                         "register and edit monitoring devices")


def visible_condition(user, enterprise_column):
    """SQL condition for rows of the enterprises the user may see, by their enterprise id column."""
    if reads_all(user):
        return true()
    if is_enterprise_staff(user):
        return enterprise_column == user.enterprise_id
    return false()


def get_visible_device(session, user, device_id):
    """The device; NotAllowed for roles that read none, NotFound for another enterprise's (no existence leak)."""
    check_may_read(user)
    device = session.query(IotDevice).filter(IotDevice.id == device_id,
                                             visible_condition(user, IotDevice.enterprise_id)).first() \
        if isinstance(device_id, int) else None
    if device is None:
        raise NotFound("监测设备不存在 / monitoring device not found")
    return device


def get_visible_alarm(session, user, alarm_id, lock=False):
    check_may_read(user)
    query = session.query(IotAlarm).filter(IotAlarm.id == alarm_id, visible_condition(user, IotAlarm.enterprise_id))
    alarm = (query.with_for_update() if lock else query).first() if isinstance(alarm_id, int) else None
    if alarm is None:
        raise NotFound("告警不存在 / alarm not found")
    return alarm


def new_key(prefix):
    """(the key to show once, its SHA-256 to store, its hint). The key is 192 random bits: a fast hash is enough
    (no dictionary to try), and it keeps the check cheap on every upload."""
    key = prefix + secrets.token_urlsafe(24)
    return key, key_hash(key), key[:KEY_HINT_LENGTH]


def key_hash(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
