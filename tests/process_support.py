"""Helpers for the process management tests (no tests here): the shipped content, edits of it, and a fixture
that removes the versions a test deployed (conftest keeps process_version rows across tests)."""
import copy

import pytest
from flask import current_app

from app.extensions import db
from app.models import ProcessVersion
from app.services import processes
from app.services.uow import UnitOfWork
from conftest import KEEP_TABLES

BPMN = "hazard_case.bpmn"
DMN = "hazard_grading.dmn"


def shipped():
    files, forms = processes.read_directory(current_app.config["BPMN_DIR"], current_app.config["FORMS_DIR"])
    return dict(files), copy.deepcopy(forms)


def edited(old, new, count=1):
    """The shipped content with one text replacement in the BPMN (which must occur `count` times)."""
    files, forms = shipped()
    assert files[BPMN].count(old) == count, old
    files[BPMN] = files[BPMN].replace(old, new)
    return files, forms


def deployed():
    db.session.expire_all()
    return db.session.query(ProcessVersion).filter_by(is_deployed=True).one()


@pytest.fixture
def restore_versions(app):
    """After the test: empty the case tables, drop the versions it made and redeploy the first one."""
    first = db.session.query(ProcessVersion).order_by(ProcessVersion.id).first()
    keep = {v.id for v in db.session.query(ProcessVersion)}
    yield
    db.session.rollback()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):  # children first: cases before versions before users
            if table is ProcessVersion.__table__:
                conn.execute(table.delete().where(ProcessVersion.id.not_in(keep)))
            elif table.name not in KEEP_TABLES:
                conn.execute(table.delete())
        conn.execute(ProcessVersion.__table__.update().values(is_deployed=ProcessVersion.id == first.id))
    db.session.expire_all()


def deploy_as(user, files, forms, comment="test"):
    from app.services import process_versions
    with UnitOfWork() as uow:
        version, created, _warnings = process_versions.deploy(uow, user, files, forms, comment)
        uow.commit()
        return version.id, created
