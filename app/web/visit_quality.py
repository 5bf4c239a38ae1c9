"""Quality sampling of inspection visits (排查成果质量抽查, services/visit_quality.py): the rounds, drawing one, grading
each sampled visit A/B/C with findings, the round's progress, grade distribution and grades per inspector, and its
CSV. The quality supervisor works here; project and technical leads, managers, the bureau and administrators read."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..services import reports, visit_quality
from ..services.uow import UnitOfWork
from .downloads import csv_download, csv_moment
from .forms_render import bilingual
from .guards import restrict
from .names import N_

bp = Blueprint("visit_quality", __name__, url_prefix="/quality/visits")
may_read_visit_quality = restrict(bp, "may_read_visit_quality", visit_quality.may_read, N_(
    "只有质量监督专员、项目负责人、技术负责人、管理人员、应急管理局和系统管理员可以查看排查质量抽查"))


@bp.route("")
@login_required
def index():
    return _index_page({}, {})


def _index_page(form, errors, message=None, status=200):
    start, end = reports.previous_month(clock.local_now().date())
    least = visit_quality.least_rate() * 100
    defaults = {"start": start.isoformat(), "end": end.isoformat(), "percent": f"{least:g}"}
    rows = visit_quality.rounds(db.session, current_user)
    return render_template("quality/visit_rounds.html", rounds=rows,
                           summaries={r.id: visit_quality.summary(r) for r in rows}, form={**defaults, **form},
                           errors=errors, message=message, least=f"{least:g}",
                           may_review=visit_quality.may_review(current_user)), status


@bp.route("/rounds", methods=["POST"])
@login_required
def start_round():
    form = {k: request.form.get(k, "").strip() for k in ("start", "end", "percent")}
    try:
        with UnitOfWork() as uow:
            round_ = visit_quality.start_round(uow, current_user, form["start"], form["end"], form["percent"])
            uow.commit()
            round_id, drawn = round_.id, len(round_.samples)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        return _index_page(form, errors, None if errors else bilingual(exc.message), exc.status)
    flash(_("已随机抽取 %(n)s 次排查", n=drawn), "success")
    return redirect(url_for("visit_quality.show_round", round_id=round_id))


@bp.route("/rounds/<int:round_id>")
@login_required
def show_round(round_id):
    return _round_page(visit_quality.get_round(db.session, current_user, round_id), {}, {})


def _round_page(round_, errors, typed, status=200):
    return render_template("quality/visit_round.html", round=round_, summary=visit_quality.summary(round_),
                           reproducible=visit_quality.redraw(round_) == sorted(s.visit_id for s in round_.samples),
                           may_review=visit_quality.may_review(current_user), errors=errors, typed=typed), status


@bp.route("/rounds/<int:round_id>/samples/<int:sample_id>", methods=["POST"])
@login_required
def review(round_id, sample_id):
    typed = {"grade": request.form.get("grade", ""), "findings": request.form.get("findings", "")}
    try:
        with UnitOfWork() as uow:
            visit_quality.review(uow, current_user, round_id, sample_id, typed["grade"], typed["findings"])
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        round_ = visit_quality.get_round(db.session, current_user, round_id)
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        return _round_page(round_, {sample_id: errors}, {sample_id: typed}, exc.status)
    flash(_("质量等级已保存"), "success")
    return redirect(url_for("visit_quality.show_round", round_id=round_id) + f"#sample-{sample_id}")


@bp.route("/rounds/<int:round_id>.csv")
@login_required
def export_csv(round_id):
    round_ = visit_quality.get_round(db.session, current_user, round_id)
    rows = [[_("排查记录"), _("企业"), _("排查日期"), _("排查人员"), _("质量等级"), _("发现的问题"), _("评定人"),
             _("评定时间")]]
    for s in round_.samples:
        rows.append([s.visit_id, s.visit.enterprise.name, s.visit.visited_on.isoformat(), s.visit.inspectors,
                     s.grade or "", s.findings, s.reviewer.display_name if s.reviewer else "",
                     csv_moment(s.reviewed_at)])
    return csv_download(rows, f"visit-quality-round-{round_.id}.csv")
