"""PDFs of the key parts (fonts: pdf_styles): the printable tag (挂牌) of a part — its name, kind, location, the
responsible person and phone, and the QR code of its patrol card page, drawn from segno's matrix as reportlab
rectangles (as checklist_qr.py draws its codes as SVG on the server: no QR service sees the link) — and the visit
report's section of the parts' cards (重点部位巡检, 未巡检 for a part without a card)."""
from xml.sax.saxutils import escape

import segno
from flask_babel import gettext as _
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ..extensions import db
from ..models import CARD_KINDS, KEY_PART_KINDS
from ..services import patrol_cards
from . import pdf_styles as st
from .names import label

QR_SIZE = 62 * mm
TAG_WIDTH = 170 * mm
TAG_TITLE = ParagraphStyle("tag-title", parent=st.TITLE, fontSize=26, leading=34, textColor=colors.HexColor("#b91c1c"))
TAG_NAME = ParagraphStyle("tag-name", parent=st.TEXT, fontSize=20, leading=28, alignment=1)
TAG_TEXT = ParagraphStyle("tag-text", parent=st.TEXT, fontSize=12, leading=18)


def qr_drawing(text, size=QR_SIZE):
    """`text` as a QR code of `size` (with its quiet zone), dark modules as filled squares."""
    matrix = segno.make(text, error="m").matrix
    count = len(matrix) + 8  # four modules of quiet zone on each side
    module = size / count
    drawing = Drawing(size, size)
    for row_index, row in enumerate(matrix):
        for column_index, dark in enumerate(row):
            if dark:
                drawing.add(Rect((column_index + 4) * module, size - (row_index + 5) * module, module, module,
                                 fillColor=colors.black, strokeColor=None, strokeWidth=0))
    return drawing


def tag(part, card_url):
    """The tag of `part` as an A4 PDF: one framed label to cut out and put up at the part's door."""
    title = _("重点部位")
    facts = [(_("部位类别"), label(KEY_PART_KINDS, part.kind)), (_("位置"), part.location),
             (_("责任人"), part.responsible_name), (_("联系电话"), part.responsible_phone),
             (_("所属企业"), part.enterprise.name)]
    lines = [Paragraph(f"<b>{escape(k)}</b>：{escape(v or '—')}", TAG_TEXT) for k, v in facts]
    body = Table([[lines, [qr_drawing(card_url), Paragraph(escape(_("扫码填写电子巡检卡")), st.SUBTITLE)]]],
                 colWidths=[TAG_WIDTH - QR_SIZE - 8 * mm, QR_SIZE + 6 * mm])
    body.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    frame = Table([[Paragraph(escape(title), TAG_TITLE)], [Paragraph(escape(part.name), TAG_NAME)], [body],
                   [Paragraph(escape(_("挂牌管理：每次排查均须填写电子巡检卡，责任到人，过程可追溯")), st.SUBTITLE)]],
                  colWidths=[TAG_WIDTH])
    frame.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 2, colors.HexColor("#b91c1c")),
                               ("INNERGRID", (0, 0), (-1, 0), 0, colors.white),
                               ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return st.build([Spacer(1, 10 * mm), frame], f"{title} · {part.name}")


def visit_section(visit):
    """The visit report's 重点部位巡检: each part due a card at the visit, carded (正常 / n 项异常, who and when) or
    未巡检; nothing when the enterprise tagged no part."""
    rows = patrol_cards.due_at_visit(db.session, visit)
    if not rows:
        return []
    table = [[Paragraph(escape(t), st.LABEL) for t in (_("重点部位"), _("位置"), _("责任人"), _("巡检情况"),
                                                        _("填写人及时间"))]]
    for part, card in rows:
        if card is None:
            state, who = _("未巡检"), "—"
        else:
            state = _("正常") if not card.abnormal_count else _("%(n)s 项异常", n=card.abnormal_count)
            abnormal = [f"{i.content}：{i.note}" for i in card.items if i.result == "abnormal"]
            state = "；".join([state, *abnormal])
            who = f"{card.filled_by.display_name} {st.moment(card.filled_at)}（{label(CARD_KINDS, card.kind)}）"
        table.append([Paragraph(escape(v), st.SMALL) for v in (part.name, part.location, part.responsible_name,
                                                               state, who)])
    missing = sum(1 for _part, card in rows if card is None)
    summary = _("应巡检 %(total)s 处，未巡检 %(missing)s 处", total=len(rows), missing=missing)
    return [Paragraph(escape(_("重点部位巡检")), st.HEADING), Paragraph(escape(summary), st.TEXT),
            st.table(table, [30 * mm, 30 * mm, 20 * mm, None, 40 * mm], header_row=True, label_column=False)]
