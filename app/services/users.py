"""Reading users: authentication, holders of a role, display names, the enterprise register."""
from werkzeug.security import check_password_hash, generate_password_hash

from ..models import Enterprise, User, UserRole

_dummy_hash = None


def authenticate(session, username, password):
    """The active user with these credentials, or None. An unknown username costs the same hashing time
    as a known one, so response times do not tell which usernames exist."""
    global _dummy_hash
    user = session.query(User).filter_by(username=(username or "").strip()).first()
    if user is None:
        _dummy_hash = _dummy_hash or generate_password_hash("not-a-password")
        check_password_hash(_dummy_hash, password or "")
        return None
    return user if user.active and user.check_password(password or "") else None


def holders_of_role(session, role, enterprise_id=None):
    """Active users holding `role`; for the enterprise role, only that enterprise's staff."""
    query = session.query(User).join(UserRole).filter(UserRole.role == role, User.active.is_(True))
    if role == "enterprise":
        query = query.filter(User.enterprise_id == enterprise_id)
    return query.order_by(User.display_name).all()


def display_names(session, user_ids):
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return dict(session.query(User.id, User.display_name).filter(User.id.in_(ids)))


def enterprise_names(session, enterprise_ids):
    """{id: name} of the given enterprises (nothing is read for none)."""
    ids = {i for i in enterprise_ids if i}
    if not ids:
        return {}
    return dict(session.query(Enterprise.id, Enterprise.name).filter(Enterprise.id.in_(ids)))


def enterprises(session):
    return session.query(Enterprise).order_by(Enterprise.name).all()
