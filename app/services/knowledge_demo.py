"""Demo data of the knowledge base (`make run`, services/demo_features.py): handling advice for six common hazard
types and seven laws and standards, published by the technical lead — one standard last reviewed thirteen months
ago, so the editors' 待复核 list is not empty, and the 2014 edition of GB 30871 kept as 已修订 beside the 2022 one —
and one advice still a draft. The demo cases are electrical, so their task pages show the electrical advice."""
from datetime import timedelta

from ..clock import clock
from ..models import KnowledgeEntry
from . import knowledge_edit

ADVICE = [
    ("配电线路及用电设备隐患处置建议", ["electrical"], "化工、机械",
     "立即对问题线路或设备断电挂牌，由持证电工排查；老化、破损线路整体更换，不得以胶布包扎代替；配电箱（柜）做好保护接地，"
     "加装或更换动作电流不大于 30 mA 的剩余电流保护器；整改完成前划定警戒区，禁止无关人员操作。",
     "更换老化、破损线路，穿管或桥架敷设\n配电箱（柜）接地并张贴警示标识，箱门上锁\n按“一机一闸一漏保”配置开关\n建立电气设备定期检测台账",
     "GB 50054-2011 低压配电设计规范；GB 2894-2008 安全标志及其使用导则"),
    ("消防设施与疏散通道隐患处置建议", ["fire_safety"], "",
     "堵塞、锁闭的疏散通道和安全出口应立即清理、开启；损坏或过期的灭火器、失效的应急照明和疏散指示标志限期更换；"
     "消火栓、自动喷水灭火系统等设施不得停用，确需维修的应采取临时防护措施并告知全体员工。",
     "清除通道堆放物，出口门改为向疏散方向开启\n更换失效灭火器并建立月检记录\n修复应急照明和疏散指示标志\n组织一次全员疏散演练",
     "GB 50016-2014 建筑设计防火规范（2018年版）"),
    ("特种设备隐患处置建议", ["special_equipment"], "机械",
     "超期未检验或检验不合格的锅炉、压力容器、起重机械、叉车等特种设备应立即停止使用，办理使用登记并申请定期检验；"
     "安全附件（安全阀、压力表、限位器等）失效的须更换并校验；作业人员应持有效特种设备作业人员证上岗。",
     "停用并挂牌，申报定期检验\n更换、校验安全附件\n核查作业人员持证情况，无证人员调离岗位\n建立特种设备安全技术档案",
     "《中华人民共和国特种设备安全法》"),
    ("危险化学品储存与使用隐患处置建议", ["hazardous_chemicals"], "化工",
     "危险化学品应储存在专用仓库或储存室，按性质分区、分类、分库存放，禁忌物料不得混存；超量储存的应立即转移；"
     "仓库通风、防爆电气、可燃有毒气体检测报警设施须完好；涉及重大危险源的应落实包保责任和监测监控。",
     "清理混存物料，按禁忌表重新分区\n核定最大储存量并张贴\n修复或加装可燃有毒气体报警器\n完善安全技术说明书和安全标签",
     "《危险化学品安全管理条例》；GB 18218-2018 危险化学品重大危险源辨识"),
    ("有限空间作业隐患处置建议", ["confined_space"], "",
     "有限空间作业必须履行审批，严格执行“先通风、再检测、后作业”，检测合格前禁止人员进入；作业时设专人监护，"
     "配备正压式空气呼吸器、安全绳等救援装备；严禁盲目施救。",
     "辨识并建立有限空间台账，入口设置警示标识\n配置气体检测仪和通风设备\n制定专项应急预案并演练",
     "GB 8958-2006 缺氧危险作业安全规程"),
    ("粉尘防爆隐患处置建议", ["dust_explosion"], "机械、食品",
     "涉爆粉尘作业场所应及时清扫积尘，严禁用压缩空气吹扫；除尘系统按规范设置泄爆、隔爆装置并可靠接地；"
     "粉尘爆炸危险场所使用防爆电气设备，严禁明火作业，确需动火的应停产清理并办理动火审批。",
     "建立粉尘清扫制度和记录\n除尘器加装泄爆、隔爆装置\n更换非防爆电气设备",
     "GB 15577-2018 粉尘防爆安全规程"),
]
# (title, number, issuer, effective date, status, hazard types, summary)
REGULATIONS = [
    ("中华人民共和国安全生产法", "主席令第88号", "全国人民代表大会常务委员会", "2021-09-01", "current", [],
     "2021年第三次修正。规定生产经营单位的安全生产主体责任、全员安全生产责任制和双重预防机制，事故隐患排查治理和重大事故隐患报告制度。"),
    ("建筑设计防火规范", "GB 50016-2014", "住房和城乡建设部、国家质量监督检验检疫总局", "2015-05-01", "current",
     ["fire_safety"], "规定厂房、仓库、民用建筑的耐火等级、防火间距、防火分区、安全疏散和消防设施设置要求（现行为2018年版）。"),
    ("安全标志及其使用导则", "GB 2894-2008", "国家质量监督检验检疫总局、国家标准化管理委员会", "2009-10-01", "current",
     ["site_management", "electrical"], "规定禁止、警告、指令、提示四类安全标志及其设置、使用要求。"),
    ("危险化学品企业特殊作业安全规范", "GB 30871-2022", "国家市场监督管理总局、国家标准化管理委员会", "2022-10-01", "current",
     ["hot_work", "confined_space", "working_at_height", "hazardous_chemicals"],
     "规定动火、受限空间、盲板抽堵、高处、吊装、临时用电、动土、断路八类特殊作业的安全要求和作业票管理。"),
    ("化学品生产单位特殊作业安全规范", "GB 30871-2014", "国家质量监督检验检疫总局、国家标准化管理委员会", "2015-06-01", "revised",
     ["hot_work", "confined_space"], "已由 GB 30871-2022 代替，保留供查阅历史整改依据。"),
    ("危险化学品从业单位安全标准化通用规范", "AQ 3013-2008", "国家安全生产监督管理总局", "2009-01-01", "current",
     ["hazardous_chemicals", "safety_management"], "规定危险化学品从业单位开展安全标准化的管理要素和考评要求。"),
    ("企业职工伤亡事故分类", "GB 6441-1986", "国家标准局", "1987-02-01", "current", ["safety_management"],
     "规定伤亡事故的类别（物体打击、车辆伤害、机械伤害、起重伤害、触电等20类）和伤害程度的划分。"),
]


def seed(uow, users):
    """`users`: the demo users by username."""
    lead = users["technical_lead"]
    for title, types, industries, body, measures, references in ADVICE:
        _publish(uow, lead, {"kind": "advice", "title": title, "hazard_types": types, "industries": industries,
                             "body": body, "measures": measures, "references": references})
    for title, number, issuer, day, status, types, summary in REGULATIONS:
        row = _publish(uow, lead, {"kind": "regulation", "title": title, "number": number, "issuer": issuer,
                                   "effective_on": day, "regulation_status": status, "hazard_types": types,
                                   "body": summary})
        if number == "GB 2894-2008":  # last confirmed thirteen months ago: on the 待复核 list
            row.reviewed_at = clock.now() - timedelta(days=400)
    knowledge_edit.create(uow, users["project_lead"], {
        "kind": "advice", "title": "高处作业隐患处置建议（草稿）", "hazard_types": ["working_at_height"],
        "body": "2 米以上高处作业应办理作业票，系挂安全带，设置防护栏杆和安全网；恶劣天气停止露天高处作业。"})
    uow.session.flush()


def _publish(uow, user, values):
    row = knowledge_edit.create(uow, user, values)
    knowledge_edit.publish(uow, user, row.id, row.version)
    return uow.session.get(KnowledgeEntry, row.id)
