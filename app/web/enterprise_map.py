"""The enterprises' layer of the map (`/map?layer=enterprises`, services/enterprise_map.py): the page with its filters
(township / park, risk tag, what to colour by), the list of enterprises without a position, and the GeoJSON the
page's script draws (`/map/enterprises.json`). Names, colours and the popup's facts and links are worked out here,
in the reader's language and for what the reader may open; the script only draws them (static/map.js)."""
from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import ENTERPRISE_TAGS
from ..services import enterprise_documents, enterprise_map, hazard_sources, iot_access, risk_points
from ..services.access import township_choices
from .forms_render import bilingual
from .names import N_, is_english, label
from .priorities import LEVEL_NAMES, REASON_NAMES
from .supervision import READERS as SUPERVISION_READERS

bp = Blueprint("enterprise_map", __name__, url_prefix="/map")
COLOUR_NAMES = {"priority": N_("重点排查优先级"), "area_risk": N_("所在乡镇/园区风险等级"),
                "cooperation": N_("配合评分等级"), "open_major": N_("未销号重大隐患"),
                "hazard_sources": N_("重大危险源"), "tag": N_("风险标签")}
BAND_NAMES = {"high": N_("高（3 项及以上理由）"), "medium": N_("中（2 项理由）"), "low": N_("低（1 项理由）"),
              "none": N_("不在重点排查名单")}
YES_NO = {"open_major": {"yes": N_("有未销号重大隐患"), "no": N_("无")},
          "hazard_sources": {"yes": N_("有重大危险源"), "no": N_("无重大危险源")}}
CLASS_NAMES = {"A": N_("A 类"), "B": N_("B 类"), "C": N_("C 类"), "none": N_("尚未评分")}
# The colours of each attribute's categories (the legend's and the points'): red for what needs attention first.
PALETTE = {
    "priority": {"high": "#c53030", "medium": "#dd6b20", "low": "#d69e2e", "none": "#3182ce"},
    "area_risk": {"red": "#c53030", "orange": "#dd6b20", "yellow": "#d69e2e", "blue": "#3182ce"},
    "cooperation": {"A": "#2f855a", "B": "#d69e2e", "C": "#c53030", "none": "#a0aec0"},
    "open_major": {"yes": "#c53030", "no": "#3182ce"},
    "hazard_sources": {"yes": "#c53030", "no": "#3182ce"},
    "tag": {"two_key_one_major": "#c53030", "ammonia_refrigeration": "#319795", "combustible_dust": "#975a16",
            "confined_space": "#6b46c1", "crowded_place": "#d53f8c", "special_equipment": "#2b6cb0",
            "hazardous_chemicals": "#dd6b20", "hazardous_process": "#9b2c2c", "none": "#a0aec0"},
}
FILTERS = ("by", "township", "tag")


def category_name(by, code):
    if by == "priority":
        return _(BAND_NAMES[code])
    if by == "area_risk":
        return _("%(level)s区域", level=_(LEVEL_NAMES[code]))
    if by == "cooperation":
        return _(CLASS_NAMES[code])
    if by in YES_NO:
        return _(YES_NO[by][code])
    return label(ENTERPRISE_TAGS, code) if code != "none" else _("无风险标签")


def read_filters(args):
    """(by, township, tag) from the query; `by` defaults to the user's first choice."""
    by = args.get("by", "").strip() or enterprise_map.default_colour(current_user) or ""
    return by, args.get("township", "").strip(), args.get("tag", "").strip()


def page_context():
    """What map.html needs for the enterprises' layer; `errors` names each wrong filter (status 400)."""
    by, township, tag = read_filters(request.args)
    errors, message, layer = {}, "", None
    try:
        layer = enterprise_map.layer(db.session, current_user, by, township, tag)
    except DomainError as exc:
        if exc.status == 400:
            errors = {name: bilingual(text) for name, text in (exc.fields or {}).items()}
        else:
            raise
    args = {"layer": "enterprises", "by": by, "township": township, "tag": tag}
    query = {k: v for k, v in args.items() if v and k != "layer"}
    return {"enterprise_layer": layer, "args": args, "errors": errors, "message": message,
            "colour_choices": [(code, _(COLOUR_NAMES[code])) for code in enterprise_map.colour_choices(current_user)],
            "tags": ENTERPRISE_TAGS, "townships": township_choices(db.session, current_user),
            "may_place": current_user.has_role("admin"),
            "data_url": url_for("enterprise_map.enterprises", **query) if not errors else ""}


@bp.route("/enterprises.json")
@login_required
def enterprises():
    by, township, tag = read_filters(request.args)
    try:
        layer = enterprise_map.layer(db.session, current_user, by, township, tag)
    except DomainError as exc:
        fields = {name: bilingual(text) for name, text in (exc.fields or {}).items()}
        return jsonify({"error": exc.code, "message": bilingual(exc.message), "fields": fields}), exc.status
    return jsonify(feature_collection(layer, describe))


def feature_collection(layer, describe=None):
    """GeoJSON of the layer: a point per placed enterprise with its codes and figures (what the API gives), and
    with `describe(point)`'s names, colour, facts and links for a page."""
    features = []
    for point in layer.points:
        e = point.enterprise
        properties = {"id": e.id, "name": e.name, "township": e.township, "industry": e.industry,
                      "address": e.address, "tags": e.tags, "category": point.category,
                      "open_cases": point.open_cases, "open_major": point.open_major}
        optional = {"priority_band": point.band, "priority_reasons": point.reasons, "area_level": point.area_level,
                    "cooperation_class": point.cooperation_class, "iot_devices": point.iot_devices,
                    "hazard_sources": None if point.hazard_sources is None else max(point.hazard_sources, 0),
                    "has_hazard_sources": None if point.hazard_sources is None else point.hazard_sources >= 0}
        properties.update({k: v for k, v in optional.items() if v is not None})
        if describe is not None:
            properties.update(describe(layer.by, point))
        features.append({"type": "Feature", "id": e.id,
                         "geometry": {"type": "Point", "coordinates": [e.longitude, e.latitude]},
                         "properties": properties})
    legend = [{"code": code, "count": layer.counts[code]} for code in enterprise_map.CATEGORIES[layer.by]]
    if describe is not None:
        legend = [dict(item, name=category_name(layer.by, item["code"]), colour=PALETTE[layer.by][item["code"]])
                  for item in legend]
    return {"type": "FeatureCollection", "features": features, "by": layer.by, "legend": legend,
            "matching": layer.matching, "located": layer.located, "unlocated": layer.unlocated_total}


def describe(by, point):
    """The page's part of a feature: the colour, the category's name, the popup's facts and links."""
    return {"colour": PALETTE[by][point.category], "category_name": category_name(by, point.category),
            "facts": _facts(point), "links": _links(point)}


def _facts(point):
    """[[label, value]] for the popup, only what the reader may read."""
    e, sep = point.enterprise, ", " if is_english() else "、"
    facts = [[_("乡镇/园区"), e.township or "—"], [_("行业"), e.industry or "—"]]
    if e.tags:
        facts.append([_("风险标签"), sep.join(label(ENTERPRISE_TAGS, t) for t in e.tags)])
    facts.append([_("未销号隐患"), _("%(n)s 件，其中重大 %(m)s 件", n=point.open_cases, m=point.open_major)])
    if point.band is not None:
        reasons = sep.join(_(REASON_NAMES[r]) for r in point.reasons if r in REASON_NAMES)
        facts.append([_("重点排查优先级"), category_name("priority", point.band) + (f"：{reasons}" if reasons else "")])
    if point.area_level is not None:
        facts.append([_("所在乡镇/园区风险等级"), category_name("area_risk", point.area_level)])
    if point.cooperation_class is not None:
        facts.append([_("配合评分等级"), category_name("cooperation", point.cooperation_class or "none")])
    if point.hazard_sources is not None:
        facts.append([_("重大危险源"), _("无") if point.hazard_sources < 0 else
                      _("%(n)s 处", n=point.hazard_sources) if point.hazard_sources else _("有（登记簿原文）")])
    if point.iot_devices is not None:
        facts.append([_("在用监测设备"), _("%(n)s 台", n=point.iot_devices)])
    return facts


def _links(point):
    """[{label, url}] of the enterprise's pages the reader may open."""
    eid, user = point.enterprise.id, current_user
    links = [{"label": _("隐患列表"), "url": url_for("cases.index", enterprise_id=eid)}]
    if user.has_role(*SUPERVISION_READERS):
        links.append({"label": _("监管档案"), "url": url_for("supervision.enterprise", enterprise_id=eid)})
    if hazard_sources.may_read(user):
        links.append({"label": _("重大危险源"), "url": url_for("hazard_sources.of_enterprise", enterprise_id=eid)})
    if risk_points.may_read(user):
        links.append({"label": _("风险分级管控"), "url": url_for("risk_points.register", enterprise_id=eid)})
    if enterprise_documents.may_read(user):
        links.append({"label": _("安全档案"), "url": url_for("enterprise_documents.archive", enterprise_id=eid)})
    if iot_access.may_read(user) and point.iot_devices:
        links.append({"label": _("监测设备"), "url": url_for("iot.devices", enterprise_id=eid)})
    if user.has_role("admin"):
        links.append({"label": _("编辑企业信息与位置"),
                      "url": url_for("admin_people.edit_enterprise", enterprise_id=eid, _anchor="field-position")})
    return links
