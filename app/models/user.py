from flask import current_app
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .types import UTCDateTime

# Role codes and their Chinese/English names (DOMAIN.md "Who uses it").
ROLES = {
    "inspector": ("现场排查人员", "Inspector"),
    "project_lead": ("项目负责人", "Project lead"),
    "enterprise": ("企业安全员", "Enterprise safety officer"),
    "project_team": ("项目执行小组", "Project team"),
    "supervision": ("督导组", "Supervision group"),
    "expert": ("专家组成员", "Expert"),
    "bureau": ("应急管理局", "Emergency management bureau"),
    "quality": ("质量监督专员", "Quality supervisor"),
    "process_owner": ("流程管理员", "Process owner"),
    "manager": ("管理人员", "Manager"),
    "admin": ("系统管理员", "Administrator"),
    # The inspection contractor's technical lead: approves (signs) every change of the standard checklists.
    "technical_lead": ("技术负责人", "Technical lead"),
    # A township's or park's safety office (属地监管: 乡镇安监站 / 园区安监办): reads the cases, enterprises and lists of
    # the townships / parks it covers (UserTownship), is told of their major and overdue hazards, works no tasks.
    "township": ("属地监管", "Township safety office"),
    # Staff of another department the bureau refers hazards to (部门用户: 住建, 消防, 市场监管 …, models/referral.py):
    # sees the referrals addressed to its department only, signs for them and records its replies; nothing else.
    "department": ("部门用户", "Department user"),
}
# Roles bound to part of the county: their holders see one enterprise's or some townships' cases only
# (services/access.py); any other role sees every case.
AREA_ROLES = {"enterprise", "township"}
# Roles that see part of the records only: those bound to part of the county, and the other departments' users, who
# see no case at all (only the referrals addressed to their department, services/referrals.py).
SCOPED_ROLES = AREA_ROLES | {"department"}
# Roles that may see every case, whoever it belongs to.
OVERSIGHT_ROLES = {"bureau", "manager", "admin", "quality", "project_lead", "project_team", "supervision",
                   "expert", "inspector"}


class User(UserMixin, db.Model):
    __tablename__ = "app_user"
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False, unique=True)
    display_name = db.Column(db.String(128), nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=True, index=True)
    # The department a `department` user works for (部门用户); None for every other role.
    department_id = db.Column(db.Integer, db.ForeignKey("department.id"), nullable=True, index=True)
    active = db.Column(db.Boolean, nullable=False, default=True)
    phone = db.Column(db.String(32))
    email = db.Column(db.String(200))
    created_at = db.Column(UTCDateTime, nullable=False)
    # Consecutive wrong passwords, and until when the account is locked after too many (services/users.py).
    failed_logins = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    locked_until = db.Column(UTCDateTime)
    # Two-factor login (services/two_factor.py): the TOTP secret (base32; set while enrolling, kept once a first
    # code confirms it), when it was confirmed, and the last 30-second step accepted, so a code works only once.
    totp_secret = db.Column(db.String(64))
    totp_enabled_at = db.Column(UTCDateTime)
    totp_last_step = db.Column(db.BigInteger)
    roles_rel = db.relationship("UserRole", cascade="all, delete-orphan", lazy="selectin")
    townships_rel = db.relationship("UserTownship", cascade="all, delete-orphan", lazy="selectin")
    enterprise = db.relationship("Enterprise")
    department = db.relationship("Department")

    @property
    def roles(self):
        return {r.role for r in self.roles_rel}

    @property
    def townships(self):
        """The townships / parks (Enterprise.township) this user covers; they count only with the role `township`."""
        return sorted(t.township for t in self.townships_rel)

    def has_role(self, *codes):
        return bool(self.roles.intersection(codes))

    @property
    def two_factor_enabled(self):
        return self.totp_enabled_at is not None

    @property
    def is_active(self):
        return self.active

    def set_password(self, password):
        # Salted per password; scrypt unless PASSWORD_HASH_METHOD says otherwise (tests use a cheap one).
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def __repr__(self):
        return f"<User {self.username}>"


class UserRole(db.Model):
    __tablename__ = "user_role"
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    role = db.Column(db.String(32), primary_key=True)


class UserTownship(db.Model):
    """A township / park (Enterprise.township, by name) a `township` user covers; one user may cover several."""
    __tablename__ = "user_township"
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    township = db.Column(db.String(100), primary_key=True)
