"""Demo data of the enterprise self-checks (`make run`, services/demo_features.py): the chemical plant's staff
submitted a self-check against the general list with one nonconforming item reported as a hazard (a self_check case on
the normal process, waiting for assignment) and one fixed on the spot; the machinery works' staff have a draft half
filled in."""
from . import demo, self_check_files, self_check_submit, self_checks


def seed(uow, users):
    chemical, machinery = users["enterprise"], users["enterprise2"]
    row = self_checks.start(uow, chemical, "general", "安全主管陈安全带队，生产、设备、仓储负责人参加")
    items = row.items
    entries = [{"item_id": i.id, "result": "conform", "note": ""} for i in items]
    entries[3].update(result="nonconform", note="部分岗位安全操作规程未随新工艺修订，仍为2019年版本", report=True,
                      place="合成车间操作室", score=86, hazard_type="safety_management")
    entries[5].update(result="nonconform", note="消防通道临时堆放空桶，已当场清理", report=False)
    if len(entries) > 8:
        entries[8].update(result="not_applicable", note="本企业无该类作业")
    self_checks.save(uow, chemical, row.id, entries)
    # A photo taken at the plant (EXIF position and time), as every demo photo that ends up on a case is.
    photo_id = demo.site_photo(uow, chemical, demo.SITES[0])
    self_check_files.attach(uow, chemical, row, items[3], [photo_id], "photos")
    self_check_submit.submit(uow, chemical, row.id)
    draft = self_checks.start(uow, machinery, "general", "")
    self_checks.save(uow, machinery, draft.id, [{"item_id": i.id, "result": "conform"} for i in draft.items[:10]])
