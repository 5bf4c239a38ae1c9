"""The public annual edition of the contractor's annual report (年度整改白皮书, services/periodic_report_review.py):
anyone, without login, reads the published years' public sections and anonymised figures."""
from flask import Blueprint, render_template

from ..extensions import db
from ..services import periodic_report_review as review
from .periodic_reports import labels

bp = Blueprint("white_papers", __name__)


@bp.route("/public/white-papers")
def index():
    return render_template("public/white_papers.html", papers=review.public_papers(db.session))


@bp.route("/public/white-papers/<int:report_id>")
def show(report_id):
    paper = review.public_paper(db.session, report_id)
    return render_template("public/white_paper.html", paper=paper, figures=paper.figures, labels=labels(),
                           public=True)
