"""Demo data of the risk registers (`make run`, services/demo.py): the chemical plant's register — its methanol tank
farm red (a 重大危险源, reviewed, so the bureau was told), the reactor post and the sewage pit (a confined space)
orange, the switch room (a key part) and the forklift route yellow, the office blue — with a site plan and five of
the six points placed on it; the project team returned the forklift route (no speed limit in the measures). The
machinery works and the food company have no register yet (the county view lists them)."""
import io

from flask import current_app

from . import attachments, risk_map, risk_points

# (values, review: "reviewed" / "returned: reason" / None, (x, y) on the plan or None)
POINTS = [
    ({"name": "甲醇储罐区", "unit_kind": "area", "place": "罐区 T-101～T-104", "kind": "key_part",
      "key_links": ["fire_explosion", "special_equipment"], "accident_types": ["fire_explosion", "poisoning"],
      "hazard_description": "甲醇储量构成三级重大危险源；泄漏遇点火源可引起火灾爆炸，蒸气吸入中毒", "likelihood": "3",
      "severity": "5", "forced_major": True,
      "engineering_measures": "1. 储罐设液位、温度、压力远传及高低液位报警\n2. 可燃气体检测报警仪与喷淋联锁\n3. 防火堤完好，雨水阀常闭",
      "management_measures": "1. 罐区动火、进入作业办理作业票\n2. 重大危险源包保责任人按期履职检查",
      "ppe_measures": "防静电工作服、防毒面具", "emergency_measures": "泄漏时启动罐区专项应急预案，切断物料，疏散下风向人员",
      "operating_rules": "装卸车前静电接地，流速不大于 3 m/s", "responsible_person": "陈安全",
      "control_level": "company", "check_frequency": "shift"}, "reviewed", (0.18, 0.30)),
    ({"name": "反应釜投料岗位", "unit_kind": "post", "place": "合成车间二楼", "kind": "general",
      "key_links": ["fire_explosion", "machine_guarding"], "accident_types": ["fire_explosion", "burn", "mechanical"],
      "hazard_description": "投料时粉尘和溶剂蒸气，搅拌轴转动部位", "likelihood": "3", "severity": "5",
      "engineering_measures": "1. 反应釜温度、压力联锁\n2. 搅拌机防护罩完好", "management_measures": "按操作规程投料，双人确认",
      "ppe_measures": "防护面罩、耐酸碱手套", "emergency_measures": "超温时紧急冷却并停止投料",
      "responsible_person": "李主任", "control_level": "workshop", "check_frequency": "shift"}, "reviewed", (0.52, 0.36)),
    ({"name": "污水池", "unit_kind": "installation", "place": "污水处理站", "kind": "confined_space",
      "accident_types": ["poisoning"], "hazard_description": "硫化氢积聚、缺氧",
      "likelihood": "3", "severity": "5",
      "engineering_measures": "设置固定式硫化氢检测报警仪", "management_measures": "1. 设置有限空间警示标志\n2. 进入作业先通风、再检测、后作业，专人监护",
      "ppe_measures": "正压式空气呼吸器、安全绳", "emergency_measures": "严禁盲目施救，配备三脚架和救援器材",
      "responsible_person": "王班长", "control_level": "workshop", "check_frequency": "day"}, "reviewed", (0.84, 0.78)),
    ({"name": "变配电室", "unit_kind": "area", "place": "综合楼一层", "kind": "key_part",
      "key_links": ["electricity_gas"], "accident_types": ["electric_shock", "fire_explosion"],
      "likelihood": "3", "severity": "3", "engineering_measures": "挡鼠板、绝缘垫完好",
      "management_measures": "持证电工值守，倒闸操作票", "ppe_measures": "绝缘手套、绝缘靴",
      "responsible_person": "赵电工", "control_level": "team", "check_frequency": "day"}, None, (0.30, 0.80)),
    ({"name": "叉车作业通道", "unit_kind": "activity", "place": "成品仓库至装车区", "kind": "general",
      "key_links": ["special_equipment"], "accident_types": ["vehicle", "struck_by"], "likelihood": "4",
      "severity": "3", "management_measures": "叉车司机持证上岗", "responsible_person": "孙队长",
      "control_level": "team", "check_frequency": "week"}, "returned: 管控措施缺少限速和人车分流，请补充后重新提交", (0.62, 0.62)),
    ({"name": "办公区", "unit_kind": "area", "place": "综合楼二、三层", "kind": "general",
      "accident_types": ["fire_explosion"], "likelihood": "2", "severity": "2",
      "management_measures": "疏散通道畅通，灭火器每月检查", "responsible_person": "周行政",
      "control_level": "post", "check_frequency": "month"}, "reviewed", None),
]


def seed(uow, users):
    chemical, team = users["enterprise"], users["project_team"]
    enterprise_id = chemical.enterprise_id
    placed = {}
    for values, review, position in POINTS:
        row = risk_points.create(uow, chemical, enterprise_id, values)
        if review == "reviewed":
            risk_points.review(uow, team, enterprise_id, row.id, "reviewed", "与现场核对一致")
        elif review:
            risk_points.review(uow, team, enterprise_id, row.id, "returned", review.split(": ", 1)[1])
        if position:
            placed[row.id] = tuple(f"{v:.4f}" for v in position)
    stored = attachments.store_upload(uow, chemical, "厂区平面布置图.png", io.BytesIO(site_plan_png()),
                                      upload_dir=current_app.config["UPLOAD_DIR"],
                                      max_bytes=current_app.config["MAX_UPLOAD_BYTES"], field=risk_map.FILE_FIELD)
    risk_map.set_plan(uow, chemical, enterprise_id, stored.public_id)
    risk_map.place_markers(uow, chemical, enterprise_id, placed)


def site_plan_png(width=800, height=500):
    """A plain drawn site plan (buildings as labelled boxes) as PNG bytes."""
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (width, height), "#f4f1e8")
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, width - 5, height - 5), outline="#555", width=3)
    for (x0, y0, x1, y1), name in (((60, 80, 240, 230), "TANK FARM"), ((330, 110, 520, 260), "SYNTHESIS"),
                                   ((160, 330, 360, 460), "OFFICE / SWITCH ROOM"), ((430, 260, 620, 360), "WAREHOUSE"),
                                   ((610, 340, 760, 460), "SEWAGE"), ((600, 60, 760, 180), "LOADING")):
        draw.rectangle((x0, y0, x1, y1), outline="#333", fill="#ffffff", width=2)
        draw.text((x0 + 8, y0 + 8), name, fill="#333")
    draw.line((20, 300, width - 20, 300), fill="#aaa", width=10)  # the main road
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
