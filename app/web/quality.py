"""Quality sampling (质量抽查, services/quality.py): the rounds, starting one, reviewing its sampled cases and the
special inspection report (专项检查报告) as PDF. The quality supervisor works here; managers, the bureau and
administrators read."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..services import quality, reports
from ..services.uow import UnitOfWork
from . import forms_render, names, quality_pdf
from .guards import restrict
from .query_args import read_days

bp = Blueprint("quality", __name__, url_prefix="/quality")
RESULT_NAMES = {"confirmed": names.N_("整改属实"), "problem": names.N_("发现问题")}
KIND_NAMES = {"internal": names.N_("质量抽查"), "acceptance": names.N_("局方抽查验收")}


@bp.app_template_global()
def round_kind(code):
    return _(KIND_NAMES[code]) if code in KIND_NAMES else code


may_read_quality = restrict(bp, "may_read_quality", quality.may_read,
                            names.N_("只有质量监督专员、管理人员、应急管理局和系统管理员可以查看质量抽查"))


@bp.route("")
@login_required
def index():
    return _index_page({}, {})


def _index_page(form, errors, status=200):
    start, end = reports.previous_month(clock.local_now().date())
    rows = quality.rounds(db.session, current_user)
    kinds = quality.kinds_for(current_user)
    least = quality.KINDS[kinds[0]][1] if kinds else quality.MIN_PERCENT
    defaults = {"start": start.isoformat(), "end": end.isoformat(), "percent": str(least),
                "kind": kinds[0] if kinds else ""}
    return render_template("quality/index.html", rounds=rows, progress=quality.progress(db.session, [r.id for r in rows]),
                           form={**defaults, **form}, errors=errors, may_review=bool(kinds), kinds=kinds,
                           min_percent=least, now=clock.now()), status


@bp.route("/rounds", methods=["POST"])
@login_required
def start_round():
    if not quality.may_review(current_user):
        abort(403, _("只有质量监督专员（质量抽查）和应急管理局（抽查验收）可以发起抽查"))
    form = {k: request.form.get(k, "").strip() for k in ("start", "end", "percent", "kind")}
    kinds = quality.kinds_for(current_user)
    kind = form["kind"] if form["kind"] in kinds else kinds[0]
    least = quality.KINDS[kind][1]
    errors = {}
    values = read_days(form, ("start", "end"), errors, required=True)
    try:
        values["percent"] = int(form["percent"])
    except ValueError:
        errors["percent"] = _("请填写 %(n)s 到 100 之间的整数", n=least)
    if errors:
        return _index_page(form, errors, 400)
    try:
        with UnitOfWork() as uow:
            round_ = quality.start_round(uow, current_user, values["start"], values["end"], values["percent"], kind)
            uow.commit()
            round_id, sampled = round_.id, len(round_.samples)
    except Conflict as exc:  # nothing was closed in the period
        return _index_page(form, {"start": forms_render.bilingual(exc.message)}, 409)
    except ValidationFailed as exc:
        messages = {"end": _("结束日期早于开始日期"),
                    "percent": _("请填写 %(n)s 到 100 之间的整数", n=least)}
        return _index_page(form, {name: messages.get(name, exc.message) for name in exc.fields}, 400)
    flash(_("已随机抽取 %(n)s 件案件", n=sampled), "success")
    return redirect(url_for("quality.show_round", round_id=round_id))


@bp.route("/rounds/<int:round_id>")
@login_required
def show_round(round_id):
    round_ = quality.get_round(db.session, current_user, round_id)
    return render_template("quality/round.html", round=round_, result_names=RESULT_NAMES,
                           may_review=quality.may_review(current_user, round_.kind), errors={}, typed={},
                           now=clock.now())


@bp.route("/rounds/<int:round_id>/samples/<int:sample_id>", methods=["POST"])
@login_required
def review(round_id, sample_id):
    result, opinion = request.form.get("result", ""), request.form.get("opinion", "")
    grade = request.form.get("grade", "")
    try:
        with UnitOfWork() as uow:
            quality.review(uow, current_user, round_id, sample_id, result, opinion, grade)
            uow.commit()
    except ValidationFailed as exc:
        round_ = quality.get_round(db.session, current_user, round_id)
        errors = {name: forms_render.bilingual(text) for name, text in exc.fields.items()}
        return render_template("quality/round.html", round=round_, result_names=RESULT_NAMES,
                               may_review=True, errors={sample_id: errors}, now=clock.now(),
                               typed={sample_id: {"result": result, "opinion": opinion, "grade": grade}}), 400
    flash(_("抽查结论已保存"), "success")
    return redirect(url_for("quality.show_round", round_id=round_id) + f"#sample-{sample_id}")


@bp.route("/rounds/<int:round_id>/report.pdf")
@login_required
def report(round_id):
    round_ = quality.get_round(db.session, current_user, round_id)
    body = quality_pdf.render(round_, {k: _(v) for k, v in RESULT_NAMES.items()})
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="quality-round-{round_.id}.pdf"'})
