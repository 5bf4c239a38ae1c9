"""Demo data of warning education (`make run`, services/demo.py): the library's cold-store entry published to every
enterprise as a warning case (警示案例) with the case's first photo, written without the food plant's name; the
machinery works has confirmed it studied it (已学习), the others have not yet."""
from ..models import TypicalCase
from . import case_publications, warning_cases

PUBLIC = {
    "title": "冷库安全通道反复被占用的警示",
    "body": "某食品加工企业冷库的安全通道堆放纸箱和托盘，企业自查时清理过一次，排查时再次发现，属于反复出现的问题。\n\n"
            "原因：旺季入库量大、临时周转区不足，货物就近堆放；通道日常巡查没有落实到班组和责任人，交接班检查表也没有通道一项。\n\n"
            "警示：通道整改不能只清理一次。请各企业对照自查冷库、仓库和车间的安全通道，划定临时周转区，把通道畅通列入交接班检查表并明确责任人，"
            "旺季加密巡查。",
}


def seed(uow, users):
    entry = uow.session.query(TypicalCase).order_by(TypicalCase.id).first()
    if entry is None:
        return
    photos = case_publications.photo_choices(uow.session, entry)[:1]
    row = case_publications.publish(uow, users["bureau"], entry.id, {**PUBLIC, "photos": [p.id for p in photos]})
    warning_cases.confirm_learned(uow, users["enterprise2"], row.id)
