"""Courses, lessons and questions of the learning centre for the tests (services/learning_edit.py, learning_bank.py)."""
from app.services import learning_bank, learning_edit
from app.services.uow import UnitOfWork

GENERAL = {"title": "隐患自查方法", "summary": "", "module": "general", "audience": "both", "question_count": "3",
           "time_limit_minutes": "10", "pass_mark": "80"}
QUESTIONS = [
    {"kind": "single", "text": "配电箱应当怎样接地？", "options": "不接地\n保护接地\n随意", "answer": "B",
     "explanation": "解析-保护接地"},
    {"kind": "multiple", "text": "哪些属于消防设施？", "options": "灭火器\n应急照明\n办公桌\n疏散指示标志",
     "answer": "ABD", "explanation": "解析-消防设施"},
    {"kind": "true_false", "text": "疏散通道可以堆放物品。", "answer": "B", "explanation": "解析-疏散通道"},
]


def course(user, values=None, lessons=2, questions=QUESTIONS, publish=True):
    """A course of `lessons` text lessons (30 minutes each) and the questions, published unless told otherwise."""
    with UnitOfWork() as uow:
        row = learning_edit.create_course(uow, user, {**GENERAL, **(values or {})})
        for n in range(lessons):
            learning_edit.add_lesson(uow, user, row.id, {"title": f"第{n + 1}课", "kind": "text",
                                                          "body": f"课时内容{n + 1}", "minutes": "30"})
        for question in questions:
            learning_bank.add_question(uow, user, row.id, question)
        if publish:
            learning_edit.publish(uow, user, row.id)
        uow.commit()
        return row
