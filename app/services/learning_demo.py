"""Demo data of the learning centre (`make run`, services/demo_features.py): the general course 隐患自查方法 (a PDF
handout and two text lessons, ten questions, five drawn a test) for contractor and enterprise staff, and a specialised
course for the chemical industry (the demo chemical plant sees it, the machinery works does not), both published by
the technical lead; the demo inspector has done the general course and passed one mock test."""
import io

from flask import current_app

from . import attachments, learning, learning_bank, learning_edit, learning_tests

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

SELF_CHECK_QUESTIONS = [
    ("single", "企业隐患自查发现的一般隐患，应当由谁负责组织整改？", "企业主要负责人或其指定的责任人\n属地政府\n第三方排查机构\n应急管理部门",
     "A", "生产经营单位是隐患排查治理的责任主体，一般隐患由企业负责人或有关人员立即组织整改。"),
    ("single", "配电箱（柜）自查时，最需要关注的是哪一项？", "箱体颜色\n保护接地和漏电保护是否有效\n品牌型号\n安装高度是否美观",
     "B", "保护接地失效、漏电保护器缺失或失灵是触电事故的直接原因。"),
    ("single", "灭火器的压力指针处于哪个区域时表示压力正常？", "红色区\n黄色区\n绿色区\n任意区域", "C",
     "指针在绿区为正常，红区为欠压需充装，黄区为超压。"),
    ("multiple", "下列哪些情形属于疏散通道隐患？", "通道堆放货物\n安全出口上锁\n疏散指示标志损坏\n通道宽度符合规范",
     "ABC", "堵塞、锁闭通道和出口，以及疏散指示失效，都会妨碍人员疏散。"),
    ("multiple", "隐患自查记录应当包括哪些内容？", "检查时间和部位\n发现的问题及照片\n整改责任人和期限\n检查人员的籍贯",
     "ABC", "自查记录要能追溯：时间、部位、问题、责任人和期限，籍贯与隐患无关。"),
    ("multiple", "有限空间作业前必须做到哪些？", "办理作业审批\n先通风、再检测、后作业\n设专人监护\n一人单独进入即可",
     "ABC", "有限空间作业必须审批、通风检测合格、专人监护，严禁单人作业和盲目施救。"),
    ("true_false", "隐患整改完成后，企业自行确认即可销号，无需留存整改前后照片。", "", "B",
     "整改应留存整改前后对比照片等佐证材料，按分级由相应人员复核验收后销号。"),
    ("true_false", "特种作业人员必须持有效的特种作业操作证上岗。", "", "A",
     "《特种作业人员安全技术培训考核管理规定》要求特种作业人员持证上岗。"),
    ("true_false", "发现重大事故隐患后，企业应当立即报告负有安全监管职责的部门。", "", "A",
     "重大事故隐患须及时报告，并制定和实施治理方案。"),
    ("single", "企业全员安全隐患自查，建议至少多久开展一次？", "每年一次\n每月一次\n发生事故后才检查\n不需要定期开展", "B",
     "平台要求企业每月开展一次全面自查，重点部位日常巡查。"),
]
CHEMICAL_QUESTIONS = [
    ("single", "危险化学品仓库中，禁忌物料应当如何存放？", "混合存放\n分区、分类、分库存放\n按到货时间存放\n随意存放", "B",
     "禁忌物料混存可能引发反应、火灾或爆炸，必须分区、分类、分库储存。"),
    ("multiple", "可燃有毒气体检测报警设施的检查要点有哪些？", "是否在检定有效期内\n报警值设置是否正确\n是否与联锁装置联动\n外壳是否为红色",
     "ABC", "报警器应定期检定，报警值设置合理，并按要求与联锁、通风等装置联动。"),
    ("true_false", "涉及重大危险源的企业应当落实包保责任制。", "", "A",
     "危险化学品重大危险源须明确主要负责人、技术负责人和操作负责人包保责任。"),
    ("true_false", "动火作业只要现场有灭火器即可，不需要办理作业票。", "", "B",
     "动火作业须按 GB 30871 办理作业票，落实气体分析、监护等措施。"),
]


def _pdf(uow, user, name):
    return attachments.store_upload(uow, user, name, io.BytesIO(PDF), upload_dir=current_app.config["UPLOAD_DIR"],
                                    max_bytes=current_app.config["MAX_UPLOAD_BYTES"], field="lesson").public_id


def _questions(uow, user, course, rows):
    for kind, text, options, answer, explanation in rows:
        learning_bank.add_question(uow, user, course.id, {"kind": kind, "text": text, "options": options,
                                                          "answer": answer, "explanation": explanation})


def seed(uow, users):
    author = users["technical_lead"]
    general = learning_edit.create_course(uow, author, {
        "title": "隐患自查方法", "module": "general", "audience": "both", "question_count": "5",
        "time_limit_minutes": "15", "pass_mark": "80",
        "summary": "面向排查人员和企业安全管理人员：隐患自查的流程、常见隐患的识别方法和自查记录的要求。"})
    learning_edit.add_lesson(uow, author, general.id, {
        "title": "隐患自查流程与要点（讲义）", "kind": "document", "minutes": "30",
        "body": "下载讲义阅读：自查的组织、频次、重点部位和记录要求。"}, [_pdf(uow, author, "隐患自查流程与要点.pdf")])
    learning_edit.add_lesson(uow, author, general.id, {
        "title": "常见隐患识别：电气与消防", "kind": "text", "minutes": "45",
        "body": "一、电气：查配电箱（柜）接地、漏电保护器、线路老化破损、私拉乱接。\n"
                "二、消防：查灭火器压力和有效期、消火栓、应急照明和疏散指示、疏散通道和安全出口。\n"
                "三、发现问题随手拍照，写清部位和现状，便于整改和复核。"})
    learning_edit.add_lesson(uow, author, general.id, {
        "title": "自查记录与整改闭环", "kind": "text", "minutes": "15",
        "body": "自查记录写明时间、部位、问题、照片、整改责任人和期限；整改后留存前后对比照片，按分级复核销号。"})
    _questions(uow, author, general, SELF_CHECK_QUESTIONS)
    learning_edit.publish(uow, author, general.id)

    chemical = learning_edit.create_course(uow, author, {
        "title": "危险化学品企业隐患排查要点", "module": "specialised", "industries": "危险化学品、化工",
        "audience": "both", "question_count": "4", "time_limit_minutes": "10", "pass_mark": "80",
        "summary": "专业模块（化工 / 危险化学品）：储存、重大危险源、特殊作业的排查要点。"})
    learning_edit.add_lesson(uow, author, chemical.id, {
        "title": "危险化学品储存", "kind": "text", "minutes": "45",
        "body": "专用仓库、分区分类分库、最大储存量、通风和防爆电气、可燃有毒气体检测报警。"})
    learning_edit.add_lesson(uow, author, chemical.id, {
        "title": "特殊作业管理", "kind": "text", "minutes": "45",
        "body": "动火、受限空间、高处等特殊作业按 GB 30871-2022 办理作业票，落实气体分析、监护和应急措施。"})
    _questions(uow, author, chemical, CHEMICAL_QUESTIONS)
    learning_edit.publish(uow, author, chemical.id)

    _inspector_learns(uow, users["inspector"], general)


def _inspector_learns(uow, inspector, course):
    """The inspector did every lesson and passed a mock test (every drawn question answered right but one)."""
    for lesson in course.lessons:
        learning.complete_lesson(uow, inspector, course.id, lesson.id)
    attempt = learning_tests.start(uow, inspector, course.id)
    questions = learning_tests.questions_of(uow.session, attempt)
    answers = {q.id: list(q.answer) for q in questions}
    answers[questions[-1].id] = [] if len(questions) > 1 else answers[questions[-1].id]
    learning_tests.submit(uow, inspector, attempt.id, answers)
