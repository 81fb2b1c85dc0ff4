"""The visa invitation letter as a PDF (issue 24): one A4 page, in Chinese and in English, for the
guest to take to a Chinese embassy or consulate. It names the guest as in the passport, with the
passport number in full (the consulate needs it), and carries the reference, the date of issue
(the approval's Beijing date) and a QR code of the public verification page.

The wording is the letter's, not the site's: both languages are always printed, so the sentences
are written here in both (not through gettext, which would print the page language's twice).
Drawn with reportlab and the badge's fonts (registration.badge: STSong-Light for Chinese, DejaVu
Sans or Helvetica for the rest); every run of text gets the font that has its glyphs."""
from __future__ import annotations

import io
import re
from datetime import date
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.utils import translation
from django_countries import countries
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor, white
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from registration.badge import CJK, _fonts

BRAND = HexColor("#0B4F8A")
INK = HexColor("#111111")
MUTED = HexColor("#4A5568")
LINE = HexColor("#C9D3E0")
BEIJING = ZoneInfo("Asia/Shanghai")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
ORGANIZER = ("世界互联网大会", "World Internet Conference")
PLACE = ("中国浙江省乌镇", "Wuzhen, Zhejiang, China")
RUNS = re.compile(f"({CJK.pattern}+)")
MARGIN = 20 * mm
HEAD = 30 * mm  # the letterhead band


def _runs(text: str) -> list[tuple[str, bool]]:
    """`text` cut into runs of Chinese (True) and other (False) characters."""
    return [(part, bool(CJK.match(part))) for part in RUNS.split(text) if part]


def _markup(text: str, *, bold: bool = False) -> str:
    """Paragraph markup of `text` with each run in a font that has its glyphs."""
    fonts = _fonts()
    latin = fonts["latin-bold" if bold else "latin"]
    return "".join(f'<font name="{fonts["cjk"] if cjk else latin}">{escape(part)}</font>' for part, cjk in _runs(text))


def _width(text: str, size: float, *, bold: bool = False) -> float:
    fonts = _fonts()
    return sum(pdfmetrics.stringWidth(part, fonts["cjk"] if cjk else fonts["latin-bold" if bold else "latin"], size) for part, cjk in _runs(text))


def _draw(pdf, text: str, x: float, y: float, size: float, *, bold: bool = False, width: float | None = None) -> None:
    """`text` at (x, y) on the canvas, run by run in the right font, made smaller (down to 7
    points) where it would pass `width`."""
    fonts = _fonts()
    while width and size > 7 and _width(text, size, bold=bold) > width:
        size -= 0.5
    for part, cjk in _runs(text):
        font = fonts["cjk"] if cjk else fonts["latin-bold" if bold else "latin"]
        pdf.setFont(font, size)
        pdf.drawString(x, y, part)
        x += pdfmetrics.stringWidth(part, font, size)


def _zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _en_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _zh_span(first: date, last: date) -> str:
    if first == last:
        return f"于{_zh_date(first)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"于{_zh_date(first)}至{last.day}日"
    if first.year == last.year:
        return f"于{_zh_date(first)}至{last.month}月{last.day}日"
    return f"于{_zh_date(first)}至{_zh_date(last)}"


def _en_span(first: date, last: date) -> str:
    if first == last:
        return f"on {_en_date(first)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"from {first.day} to {last.day} {MONTHS[last.month - 1]} {last.year}"
    if first.year == last.year:
        return f"from {first.day} {MONTHS[first.month - 1]} to {_en_date(last)}"
    return f"from {_en_date(first)} to {_en_date(last)}"


def _country(code: str) -> str:
    """"巴西 · Brazil": the country's name in both languages (django-countries' own names)."""
    names = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names.append(str(countries.name(code)))
    return " · ".join(dict.fromkeys(n for n in names if n)) or code


def texts(letter) -> dict[str, str]:
    """The letter's sentences and values, in both languages (what the PDF prints; the tests read
    them back from the PDF)."""
    registration = letter.registration
    edition = registration.edition
    name_zh = edition.name_zh or edition.name_en
    name_en = edition.name_en or edition.name_zh
    when_zh = _zh_span(edition.start_date, edition.end_date) if edition.has_dates else ""
    when_en = f" {_en_span(edition.start_date, edition.end_date)}" if edition.has_dates else ""
    issued = letter.decided_at.astimezone(BEIJING).date() if letter.decided_at else None
    organization = ", ".join(part for part in (registration.organization_name, registration.title) if part)
    return {
        "letterhead": f"{ORGANIZER[1]} · {ORGANIZER[0]}",
        "edition": " · ".join(dict.fromkeys([name_zh, name_en])),
        "title": "邀请函 · Letter of Invitation",
        "issued": issued.isoformat() if issued else "",
        "to_zh": f"致：{letter.apply_at}",
        "to_en": f"To: {letter.apply_at}",
        "invite_zh": f"{name_zh}定{when_zh}在{PLACE[0]}举行。{ORGANIZER[0]}诚挚邀请下列人员出席本届峰会。",
        "invite_en": f"The {name_en} will be held in {PLACE[1]},{when_en}. The {ORGANIZER[1]} has the honour to invite the person named below to attend the summit.",
        "passport_name": letter.passport_name,
        "nationality": _country(letter.nationality.code),
        "passport_number": letter.passport_number or "—",
        "date_of_birth": letter.date_of_birth or "—",
        "organization": organization or "—",
        "stay": f"{letter.stay_from.isoformat()} – {letter.stay_until.isoformat()}",
        "request_zh": "恳请贵馆为其办理赴华签证提供便利。",
        "request_en": "We would be grateful if you could grant the invitee a visa for this purpose.",
        "verify_zh": "本函的真伪及有效性可扫描二维码或访问以下网址核验：",
        "verify_en": "To check that this letter is genuine and still valid, scan the QR code or open:",
        "signature_zh": f"{ORGANIZER[0]}秘书处",
        "signature_en": f"Secretariat of the {ORGANIZER[1]}",
    }


def letter_pdf(letter, *, verify_url: str) -> bytes:
    """The approved `letter` as PDF bytes; `verify_url` is the absolute address of its public
    verification page (the QR code holds it)."""
    fonts = _fonts()
    text = texts(letter)
    edition = letter.registration.edition
    body = ParagraphStyle("body", fontName=fonts["latin"], fontSize=10.5, leading=16, textColor=INK, spaceAfter=6)
    chinese = ParagraphStyle("chinese", parent=body, fontName=fonts["cjk"], fontSize=11.5, leading=19, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11.5, textColor=MUTED, spaceAfter=0)
    value = ParagraphStyle("value", parent=body, fontSize=11, leading=14, spaceAfter=0)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22, alignment=1, spaceAfter=10)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT, spaceAfter=2)

    def para(content: str, style, *, bold: bool = False) -> Paragraph:
        return Paragraph(_markup(content, bold=bold), style)

    width = A4[0] - 2 * MARGIN - 12  # the frame's own padding, 6 points a side
    story = [
        para(text["title"], title, bold=True),
        Table(
            [[para(f"编号 Reference: {letter.reference}", small), para(f"签发日期 Date of issue: {text['issued']}", ParagraphStyle("r", parent=small, alignment=TA_RIGHT))]],
            colWidths=[width / 2, width / 2], style=TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]),
        ),
        Spacer(1, 4 * mm),
        para(text["to_zh"], chinese),
        para(text["to_en"], body),
        Spacer(1, 2 * mm),
        para(text["invite_zh"], chinese),
        para(text["invite_en"], body),
    ]
    rows = [
        ("姓名（与护照一致）", "Name as in the passport", text["passport_name"]),
        ("国籍", "Nationality", text["nationality"]),
        ("护照号码", "Passport number", text["passport_number"]),
        ("出生日期", "Date of birth", text["date_of_birth"]),
        ("工作单位及职务", "Organization and position", text["organization"]),
        ("在华停留时间", "Dates of stay in China", text["stay"]),
    ]
    details = Table(
        [[Paragraph(f"{_markup(zh)}<br/>{_markup(en)}", small), para(value_text, value)] for zh, en, value_text in rows],
        colWidths=[52 * mm, width - 52 * mm],
        style=TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
            ("LINEABOVE", (0, 0), (-1, 0), 0.5, LINE),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ]),
    )
    story += [Spacer(1, 1 * mm), details, Spacer(1, 5 * mm), para(text["request_zh"], chinese), para(text["request_en"], body), Spacer(1, 4 * mm)]
    story += [
        para(text["signature_zh"], ParagraphStyle("sz", parent=right, fontName=fonts["cjk"], fontSize=11.5, leading=17)),
        para(text["signature_en"], right),
        para(text["issued"], right),
        Spacer(1, 6 * mm),
    ]
    size = 34 * mm
    widget = QrCodeWidget(verify_url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    qr = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    qr.add(widget)
    check = [
        para(text["verify_zh"], ParagraphStyle("vz", parent=small, fontName=fonts["cjk"], leading=13)),
        para(text["verify_en"], small),
        para(verify_url, ParagraphStyle("url", parent=small, textColor=BRAND, leading=13, spaceBefore=2)),
        para(f"核验码 Verification code: {letter.verify_code}", ParagraphStyle("code", parent=value, spaceBefore=4), bold=True),
    ]
    story.append(Table(
        [[qr, check]], colWidths=[size + 6 * mm, width - size - 6 * mm],
        style=TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOX", (0, 0), (-1, -1), 0.5, LINE), ("BACKGROUND", (0, 0), (-1, -1), HexColor("#F6F8FB")),
            ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]),
    ))

    def letterhead(pdf, document) -> None:
        page_width, page_height = A4
        pdf.saveState()
        pdf.setFillColor(BRAND)
        pdf.rect(0, page_height - HEAD, page_width, HEAD, stroke=0, fill=1)
        pdf.setFillColor(white)
        room = page_width - 2 * MARGIN
        _draw(pdf, text["letterhead"], MARGIN, page_height - 12 * mm, 15, bold=True, width=room)
        if _width(text["edition"], 10) <= room:
            _draw(pdf, text["edition"], MARGIN, page_height - 21 * mm, 10)
        else:  # a long name in each language: one line each
            for line, name in enumerate(dict.fromkeys([edition.name_zh, edition.name_en])):
                _draw(pdf, name, MARGIN, page_height - (19 + 5 * line) * mm, 9.5, width=room)
        pdf.setFillColor(MUTED)
        _draw(pdf, f"{letter.reference} · {text['letterhead']}", MARGIN, 10 * mm, 7.5, width=room)
        pdf.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=HEAD + 10 * mm, bottomMargin=18 * mm,
        title=f"{letter.reference} · 邀请函 · Letter of Invitation", author=text["signature_en"], pageCompression=1,
    )
    document.build(story, onFirstPage=letterhead, onLaterPages=letterhead)
    return buffer.getvalue()
