"""Entries of the knowledge base for the tests (services/knowledge_edit.py), and the editors' user."""
from app.services import knowledge_edit
from app.services.uow import UnitOfWork

ADVICE = {"kind": "advice", "title": "配电线路老化处置建议", "body": "立即停用老化线路，由持证电工更换并做好接地。",
          "measures": "更换线路\n加装漏电保护器", "references": "GB 50054-2011 低压配电设计规范",
          "hazard_types": ["electrical"], "industries": "化工、机械"}
REGULATION = {"kind": "regulation", "title": "建筑设计防火规范", "body": "规定了建筑的防火间距、安全疏散和消防设施。",
              "number": "GB 50016-2014", "issuer": "住房和城乡建设部", "effective_on": "2015-05-01",
              "regulation_status": "current", "hazard_types": ["fire_safety"], "industries": ""}


def technical_lead(make_user):
    return make_user("technical_lead", "technical_lead")


def add(user, values=None, publish=False, files=()):
    with UnitOfWork() as uow:
        row = knowledge_edit.create(uow, user, dict(values or ADVICE), files)
        if publish:
            knowledge_edit.publish(uow, user, row.id, row.version)
        uow.commit()
        return row
