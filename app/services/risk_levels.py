"""How a risk point is assessed and what follows from it: the LS method (风险矩阵法, likelihood L × severity S, each
1–5) gives R = L × S from 1 to 25, and R its colour. LS rather than LEC (L × E × C): an enterprise's own staff fill
this in, and two scales of five with words beside each are typed more consistently than LEC's three scales of
uneven steps (0.1–10, 0.5–10, 1–100); the 5 × 5 matrix and its bands are those of DB37/T 2882 and most provinces'
双控 guides:

    R = L × S      20–25  红 重大风险     (the products 20, 25)
                   15–16  橙 较大风险     (15, 16)
                    9–12  黄 一般风险     (9, 10, 12)
                    1–8   蓝 低风险       (1–6, 8)

A point meeting a criterion for 直接判定为重大风险 (a 重大危险源, a situation of the 重大事故隐患判定标准) is red whatever
L × S says. The higher the colour, the higher up it is controlled (分级管控: “上一级负责管控的风险，下一级必须同时负责
管控”): a red point from the company (公司级), an orange one from the workshop or the company; yellow and blue ones
at any level."""
from ..models import CONTROL_LEVELS

SCALE = range(1, 6)
# (lowest R, colour), highest first
BANDS = ((20, "red"), (15, "orange"), (9, "yellow"), (1, "blue"))
# The lowest control level each colour may have (CONTROL_LEVELS is ordered highest first).
LOWEST_LEVEL = {"red": "company", "orange": "workshop", "yellow": "post", "blue": "post"}
COLOUR_ORDER = ("red", "orange", "yellow", "blue")

# What each step of the scales means, for the form's choices (and the PDF's legend).
LIKELIHOOD_SCALE = {
    5: ("在现场没有采取防范、监测、保护、控制措施，或危害的发生不能被发现；在正常情况下经常发生此类事故",
        "no prevention, monitoring or protection, or the hazard goes unnoticed; such accidents happen often"),
    4: ("危害的发生不容易被发现，现场没有检测系统，也未发生过任何监测，或在现场有控制措施但未有效执行",
        "hard to notice, no detection, or controls exist but are not applied"),
    3: ("没有保护措施（如没有保护装置、没有个人防护用品等），或未严格按操作程序执行，或危害的发生容易被发现",
        "no protection, procedures not followed strictly, or the hazard is easy to notice"),
    2: ("危害一旦发生能及时发现，并定期进行监测，或现场有防范控制措施，并能有效执行，或过去偶尔发生事故",
        "noticed at once and monitored, controls applied, accidents happened rarely"),
    1: ("有充分、有效的防范、控制、监测、保护措施，或员工安全卫生意识相当高，严格执行操作规程",
        "full and effective controls, monitoring and protection; procedures strictly followed"),
}
SEVERITY_SCALE = {
    5: ("死亡；或直接经济损失100万元以上", "death, or a direct loss over 1 million yuan"),
    4: ("丧失劳动能力；或直接经济损失50万元以上", "permanent disability, or a loss over 500,000 yuan"),
    3: ("截肢、骨折、听力丧失、慢性病；或直接经济损失1万元以上", "amputation, fracture, chronic illness, or a loss over 10,000 yuan"),
    2: ("轻微受伤、间歇不舒服；或直接经济损失1万元以下", "minor injury, or a loss under 10,000 yuan"),
    1: ("无伤亡；或无直接经济损失", "no injury and no loss"),
}


def colour_of(likelihood, severity, forced_major=False):
    """The colour of a point assessed L = `likelihood`, S = `severity` (each 1–5)."""
    if likelihood not in SCALE or severity not in SCALE:
        raise ValueError("L and S are whole numbers from 1 to 5")
    if forced_major:
        return "red"
    score = likelihood * severity
    return next(colour for lowest, colour in BANDS if score >= lowest)


def level_allowed(colour, level):
    """Whether a point of `colour` may be controlled at `level` (no lower than LOWEST_LEVEL of its colour)."""
    order = list(CONTROL_LEVELS)
    return level in order and order.index(level) <= order.index(LOWEST_LEVEL[colour])


def worst_first(colour):
    """A sort key: red first, blue last."""
    return COLOUR_ORDER.index(colour) if colour in COLOUR_ORDER else len(COLOUR_ORDER)
