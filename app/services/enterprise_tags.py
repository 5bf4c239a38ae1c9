"""The enterprises' risk tags (企业风险标签: 两重点一重大, 涉氨制冷, 粉尘涉爆, 有限空间作业, 人员密集场所, 特种设备使用单位,
危险化学品, 重点监管危险化工工艺; models/enterprise.py ENTERPRISE_TAGS): reading them as typed (a form's codes, a
spreadsheet's names), and the SQL condition "an enterprise with any of these tags" shared by the campaigns' target
rule, the priority list and the statistics.

Stored one row per enterprise and tag (enterprise_tag) rather than as a JSON list on the enterprise: the condition is
then a plain indexed `IN (SELECT enterprise_id FROM enterprise_tag WHERE tag IN …)`, the same on SQLite and
PostgreSQL, where a JSON list would need json_each on one and a jsonb operator on the other."""
import re

from sqlalchemy import select

from ..models import ENTERPRISE_TAGS, EnterpriseTag

# What a tag may be typed as (compared without spaces and case): its code, its Chinese or English name, and the
# shorter names people use in their spreadsheets.
TAG_WORDS = {**{code: code for code in ENTERPRISE_TAGS},
             **{names[0]: code for code, names in ENTERPRISE_TAGS.items()},
             **{"".join(names[1].lower().split()): code for code, names in ENTERPRISE_TAGS.items()},
             "两重点一重大企业": "two_key_one_major", "液氨制冷": "ammonia_refrigeration", "涉氨": "ammonia_refrigeration",
             "涉爆粉尘": "combustible_dust", "粉尘爆炸": "combustible_dust", "有限空间": "confined_space",
             "人员密集": "crowded_place", "特种设备": "special_equipment", "危化品": "hazardous_chemicals",
             "危险化学品企业": "hazardous_chemicals", "危险化工工艺": "hazardous_process",
             "重点监管的危险化工工艺": "hazardous_process"}
SEPARATORS = re.compile(r"[、,，;；/|\n]+")


def clean_tags(value, name, errors):
    """Tag codes in ENTERPRISE_TAGS' order from a list (a form's checkboxes) or a text ("涉氨制冷、有限空间"); an
    unknown word goes into `errors` under `name`, naming the choices."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple, set)) else SEPARATORS.split(str(value))
    codes, unknown = set(), []
    for item in items:
        text = "".join(str(item or "").split())
        if not text:
            continue
        code = TAG_WORDS.get(text) or TAG_WORDS.get(text.lower())
        if code is None:
            unknown.append(text[:20])
        else:
            codes.add(code)
    if unknown:
        choices = "、".join(names[0] for names in ENTERPRISE_TAGS.values())
        errors[name] = f"风险标签“{unknown[0]}”不可识别，应为{choices} / unknown risk tag “{unknown[0]}”: use " \
                       f"{', '.join(names[1] for names in ENTERPRISE_TAGS.values())}"
    return ordered(codes)


def ordered(codes):
    order = list(ENTERPRISE_TAGS)
    return sorted((c for c in codes if c in ENTERPRISE_TAGS), key=order.index)


def names(codes, english=False):
    """The tags' names, in the register's order."""
    return [ENTERPRISE_TAGS[code][1 if english else 0] for code in ordered(codes)]


def tagged(enterprise_column, tags):
    """SQL condition: the enterprise (by its id column) has any of `tags`."""
    return enterprise_column.in_(select(EnterpriseTag.enterprise_id).where(EnterpriseTag.tag.in_(list(tags))))


def tags_of(session, enterprise_ids):
    """{enterprise id: [tag codes in order]} of the given enterprises (one query)."""
    found = {}
    ids = list(enterprise_ids)
    for start in range(0, len(ids), 500):
        for enterprise_id, tag in session.query(EnterpriseTag.enterprise_id, EnterpriseTag.tag) \
                .filter(EnterpriseTag.enterprise_id.in_(ids[start:start + 500])):
            found.setdefault(enterprise_id, []).append(tag)
    return {eid: ordered(codes) for eid, codes in found.items()}
