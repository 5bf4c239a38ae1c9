"""An enterprise's safety archive (企业安全管理档案, services/enterprise_documents.py) in the API: its documents with
their expiry and review state, and its completeness. Read only; the ID numbers masked as on the pages. Another
enterprise's staff, another area's township office: 404; roles without business here: 403."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import DOCUMENT_KINDS, REVIEW_STATUSES
from ...services import document_completeness as completeness, document_expiry as expiry, \
    enterprise_documents as documents
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import LocalDateTime


class DocumentFileSchema(Schema):
    public_id = fields.String(metadata={"description": "GET /api/v1/attachments/{public_id}"})
    original_name = fields.String()
    content_type = fields.String()
    size = fields.Integer()


class EnterpriseDocumentSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(DOCUMENT_KINDS)})
    title = fields.String()
    number = fields.String(metadata={"description": "备案编号 of a plan, the licence's or certificate's number"})
    issuer = fields.String()
    valid_from = fields.Date(allow_none=True, metadata={"description": "a plan's 备案日期, a licence's first day"})
    valid_to = fields.Date(allow_none=True, metadata={
        "description": "the last valid day; a plan's revision date (备案日期 + 3 years); null for the three systems"})
    expiry = fields.Function(lambda r: expiry.state(r), metadata={
        "type": ["string", "null"], "description": "valid, expiring (within 30 days), expired; null without a date"})
    holder_name = fields.String()
    holder_id_number = fields.String(attribute="masked_id_number", metadata={"description": "masked"})
    category = fields.String()
    note = fields.String()
    status = fields.String(metadata={"enum": list(REVIEW_STATUSES)})
    review_note = fields.String()
    reviewed_at = LocalDateTime(allow_none=True)
    retired = fields.Boolean(attribute="is_retired")
    retired_at = LocalDateTime(allow_none=True)
    retire_reason = fields.String()
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    version = fields.Integer()
    files = fields.List(fields.Nested(DocumentFileSchema), attribute="attachments")


class CompletenessSchema(Schema):
    complete = fields.Boolean()
    required = fields.List(fields.String())
    missing = fields.List(fields.String(), metadata={"description": "required kinds with no document"})
    expired = fields.List(fields.String(), metadata={"description": "required kinds whose every document expired"})
    licence_name = fields.String(allow_none=True, metadata={"description": "the licence the industry needs"})
    operator_certificates = fields.Integer()
    special_workers = fields.Integer()


class EnterpriseDocumentListSchema(Schema):
    enterprise_id = fields.Integer()
    items = fields.List(fields.Nested(EnterpriseDocumentSchema))
    completeness = fields.Nested(CompletenessSchema)


class EnterpriseDocumentQuery(Schema):
    kind = fields.String(validate=validate.OneOf(list(DOCUMENT_KINDS)))
    retired = fields.Boolean(load_default=False, metadata={"description": "the retired documents instead"})


@api.get("/enterprises/<int:enterprise_id>/documents")
@token_required
def enterprise_documents(enterprise_id):
    args = query_args(EnterpriseDocumentQuery())
    enterprise = documents.get_enterprise(db.session, g.api_user, enterprise_id)
    rows = documents.documents_of(db.session, enterprise.id, retired=args["retired"])
    if args.get("kind"):
        rows = [r for r in rows if r.kind == args["kind"]]
    return EnterpriseDocumentListSchema().dump({"enterprise_id": enterprise.id, "items": rows,
                                                "completeness": completeness.of_enterprise(db.session, enterprise)})


OPERATIONS = {
    "enterprise_documents": ("An enterprise's safety archive (安全管理档案): its documents with expiry and review "
                             "state (ID numbers masked) and which required kinds are missing or expired; 404 for "
                             "another enterprise's staff or another area's township office, 403 for roles without "
                             "business here", "enterprise-documents", None, EnterpriseDocumentQuery,
                             {"200": EnterpriseDocumentListSchema}),
}
