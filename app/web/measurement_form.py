"""What the supervision check's and the re-inspection's forms share for the readings taken on site and the photos
(services/site_measurements.py, services/check_files.py): the rows as typed (`m-<n>-<field>`; rows left blank are
dropped, so the rows sent back with errors are numbered as the service numbered them), the files kept across a form
sent back with errors, and the template helpers that show readings on the case page, the record pages and the PDFs."""
from flask import Blueprint, request
from flask_login import current_user

from ..errors import ValidationFailed
from ..extensions import db
from ..services import check_files, equipment, measurement_kinds, site_measurements
from ..services import measurement_instruments as measurement_instruments_service
from .names import is_english
from .uploads import store_chosen_files

bp = Blueprint("measurements", __name__)  # no routes: the forms' and pages' helpers

FIELDS = site_measurements.FIELDS
SPARE_ROWS = 2  # blank rows offered below those typed (the page's script adds more)


def typed_rows():
    """The measurement rows of the posted form, blank ones left out, as typed."""
    rows = []
    for index in range(site_measurements.MAX_ROWS * 2):
        row = {name: request.form.get(f"m-{index}-{name}", "").strip() for name in FIELDS}
        if any(row.values()):
            rows.append(row)
    return rows


def kept_files():
    """The uploads a form sent back with errors kept (hidden `files`), and those chosen now, stored as the user's
    own uploads: their public ids. ValidationFailed for a wrong or too large file."""
    ids = [i for i in request.form.getlist("files") if i]
    try:
        return ids + store_chosen_files(check_files.FIELD, limit=check_files.MAX_FILES + 1)
    except ValidationFailed as exc:  # its field names what is wrong in English only; the message says it in both
        raise ValidationFailed(exc.message, fields={check_files.FIELD: exc.message}) from None


def row_errors(errors, index):
    return {name: errors.get(f"measurements.{index}.{name}") for name in FIELDS
            if errors.get(f"measurements.{index}.{name}")}


def kind_name(code_or_row):
    """A kind's name in the page's language: from the catalogue for a code, as stored for a recorded reading."""
    if isinstance(code_or_row, str):
        kind = measurement_kinds.get(code_or_row)
        if kind is None:
            return code_or_row
        return kind.name_en if is_english() else kind.name
    return code_or_row.name_en if is_english() else code_or_row.name


def verdict_name(code):
    names = measurement_kinds.VERDICTS.get(code)
    return (names[1] if is_english() else names[0]) if names else code


def kind_option(kind):
    """"接地电阻（Ω，≤ 4 Ω）" ("Earthing resistance (Ω, ≤ 4 Ω)") for the kind's choice."""
    open_, comma, close = (" (", ", ", ")") if is_english() else ("（", "，", "）")
    limit = kind.limit_text
    return f"{kind_name(kind.code)}{open_}{kind.unit}{comma + limit if limit else ''}{close}"


@bp.app_template_global()
def measurement_kinds_list():
    return list(measurement_kinds.catalogue().values())


@bp.app_template_global()
def measurement_instruments():
    """The register's instruments a row may pick (services/measurement_instruments.py), for those who read it."""
    if not (current_user.is_authenticated and equipment.may_read(current_user)):
        return []
    return measurement_instruments_service.choices(db.session)


@bp.app_template_global()
def measurement_row_errors(errors, index):
    return row_errors(errors, index)


@bp.app_template_global()
def measurement_limit(row):
    return measurement_kinds.limit_text(row.limit_rule, row.unit)


bp.add_app_template_global(kind_name, "measurement_kind_name")
bp.add_app_template_global(verdict_name, "measurement_verdict")
bp.add_app_template_global(kind_option, "measurement_kind_option")
bp.add_app_template_filter(site_measurements.shown, "reading")
