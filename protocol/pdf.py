"""Printable seating: place cards (one A6 landscape page per seated guest: the name in both
scripts, the table or row and the seat in Chinese and English, the item) and the table plan (A4:
every table or row with its guests by seat). Drawn with reportlab, with the fonts the badge uses
(registration.badge: STSong-Light for Chinese, DejaVu Sans or Helvetica otherwise)."""
import io

from django.utils import translation
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, A6, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from registration.badge import _fit, _font_for, _fonts

from .enums import PlanLayout

BRAND = HexColor("#0D2B52")
INK = HexColor("#111111")
MUTED = HexColor("#555555")


def _both(value_zh: str, value_en: str) -> list[str]:
    return list(dict.fromkeys(v for v in (value_zh, value_en) if v))


def _in(language: str, text_of) -> str:
    with translation.override(language):
        return str(text_of())


def _block_names(plan, block) -> tuple[str, str]:
    """"第3桌" / "Table 3" (or the row), in Chinese and in English."""
    from django.utils.translation import gettext as _

    def name():
        if plan.layout == PlanLayout.TABLES:
            return _("Table %(label)s") % {"label": block.label}
        return _("Row %(label)s") % {"label": block.label}

    return _in("zh-hans", name), _in("en", name)


def _seat_labels(plan, block, number) -> list[str]:
    from .seating import label_of

    return list(dict.fromkeys([_in("zh-hans", lambda: label_of(plan, block.label, number)), _in("en", lambda: label_of(plan, block.label, number))]))


def _text(pdf, text: str, x: float, y: float, size: float, *, width: float, bold: bool = False, colour=INK, align: str = "left") -> None:
    if not text:
        return
    font = _font_for(text, bold)
    size = _fit(text, font, size, width)
    pdf.setFont(font, size)
    pdf.setFillColor(colour)
    if align == "centre":
        pdf.drawCentredString(x, y, text)
    else:
        pdf.drawString(x, y, text)


def place_cards_pdf(plan, data) -> bytes:
    """One place card per seated guest of `data` (seating.plan_seating), in table and seat order."""
    _fonts()
    size = landscape(A6)
    width, height = size
    session = plan.item.session
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=size, pageCompression=1)
    pdf.setTitle(f"{session.title_zh} · place cards")
    pdf.setAuthor("WIC Summit Manager")
    titles = _both(session.title_zh, session.title_en)
    count = 0
    for row in data.blocks:
        for number, guest in enumerate(row.seats, start=1):
            if guest is None:
                continue
            count += 1
            pdf.setFillColor(BRAND)
            pdf.rect(0, height - 9 * mm, width, 9 * mm, stroke=0, fill=1)
            _text(pdf, " · ".join(titles), width / 2, height - 6 * mm, 9, width=width - 12 * mm, colour=white, align="centre")
            names = [n for n in (guest.name_zh, guest.name) if n] or ["—"]
            top = height - 32 * mm
            _text(pdf, names[0], width / 2, top, 26, width=width - 16 * mm, bold=True, align="centre")
            if len(names) > 1 and names[1] != names[0]:
                _text(pdf, names[1], width / 2, top - 13 * mm, 18, width=width - 16 * mm, align="centre")
            if guest.delegation is not None:
                _text(pdf, " · ".join(_both(guest.delegation.name_zh, guest.delegation.name_en)), width / 2, top - 22 * mm, 10, width=width - 16 * mm, colour=MUTED, align="centre")
            pdf.setStrokeColor(BRAND)
            pdf.line(14 * mm, 24 * mm, width - 14 * mm, 24 * mm)
            labels = _seat_labels(plan, row.block, number)
            _text(pdf, labels[0], width / 2, 15 * mm, 14, width=width - 16 * mm, bold=True, colour=BRAND, align="centre")
            if len(labels) > 1:
                _text(pdf, labels[1], width / 2, 8 * mm, 11, width=width - 16 * mm, colour=BRAND, align="centre")
            pdf.showPage()
    if count == 0:
        _text(pdf, _in("zh-hans", lambda: _no_guest()), width / 2, height / 2 + 4 * mm, 14, width=width - 16 * mm, align="centre")
        _text(pdf, _in("en", lambda: _no_guest()), width / 2, height / 2 - 4 * mm, 12, width=width - 16 * mm, align="centre")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _no_guest() -> str:
    from django.utils.translation import gettext as _

    return _("Nobody is seated yet.")


def table_plan_pdf(plan, data) -> bytes:
    """The plan on A4: each table or row with its guests by seat (names in both scripts, delegation)."""
    from django.utils.translation import gettext as _

    fonts = _fonts()
    width, height = A4
    margin = 15 * mm
    session = plan.item.session
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{session.title_zh} · seating plan")
    pdf.setAuthor("WIC Summit Manager")
    y = height - margin

    def heading() -> float:
        top = height - margin
        for i, title in enumerate(_both(session.title_zh, session.title_en)):
            _text(pdf, title, margin, top, 15 if i == 0 else 11, width=width - 2 * margin, bold=True, colour=BRAND)
            top -= 7 * mm if i == 0 else 6 * mm
        if session.start is not None:
            from django.utils import timezone

            when = timezone.localtime(session.start).strftime("%Y-%m-%d %H:%M")
            _text(pdf, f"{when} (UTC+8)", margin, top, 9, width=width - 2 * margin, colour=MUTED)
            top -= 5 * mm
        seated = _in("zh-hans", lambda: _("%(seated)s of %(seats)s seats given") % {"seated": data.seated_count, "seats": data.seat_count})
        seated_en = _in("en", lambda: _("%(seated)s of %(seats)s seats given") % {"seated": data.seated_count, "seats": data.seat_count})
        _text(pdf, " · ".join(dict.fromkeys([seated, seated_en])), margin, top, 9, width=width - 2 * margin, colour=MUTED)
        return top - 8 * mm

    y = heading()
    line = 5.2 * mm
    columns = (margin, margin + 10 * mm, margin + 72 * mm, margin + 110 * mm)
    for row in data.blocks:
        guests = [(n, g) for n, g in enumerate(row.seats, start=1) if g is not None]
        needed = 9 * mm + line * max(1, min(len(guests), 3))
        if y - needed < margin:
            pdf.showPage()
            y = height - margin
        zh, en = _block_names(plan, row.block)
        title = " · ".join(dict.fromkeys([zh, en]))
        if row.block.is_head:
            head = " · ".join(dict.fromkeys([_in("zh-hans", lambda: _("head table") if plan.layout == PlanLayout.TABLES else _("front row")),
                                             _in("en", lambda: _("head table") if plan.layout == PlanLayout.TABLES else _("front row"))]))
            title = f"{title} ({head})"
        pdf.setFillColor(HexColor("#EEF2F7"))
        pdf.rect(margin - 2 * mm, y - 2 * mm, width - 2 * margin + 4 * mm, 7 * mm, stroke=0, fill=1)
        _text(pdf, f"{title}  {len(guests)}/{row.block.seats}", margin, y, 11, width=width - 2 * margin, bold=True, colour=BRAND)
        y -= 8 * mm
        if not guests:
            _text(pdf, "—", columns[1], y, 9, width=20 * mm, colour=MUTED)
            y -= line
        for number, guest in guests:
            if y < margin:
                pdf.showPage()
                y = height - margin
            pdf.setFont(fonts["latin"], 9)
            pdf.setFillColor(MUTED)
            pdf.drawRightString(columns[1] - 2 * mm, y, str(number))
            _text(pdf, guest.name, columns[1], y, 10, width=60 * mm)
            if guest.name_zh != guest.name:
                _text(pdf, guest.name_zh, columns[2], y, 10, width=36 * mm)
            if guest.delegation is not None:
                _text(pdf, guest.delegation.name_zh or guest.delegation.name_en, columns[3], y, 9, width=width - margin - columns[3], colour=MUTED)
            y -= line
        y -= 3 * mm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()

