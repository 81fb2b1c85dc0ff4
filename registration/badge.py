"""The printable badge of an on-site guest: an A6 PDF with the summit's name, the guest's name,
organization, country or region, a band in the category's colour and the credential's QR code.

Drawn with reportlab. Chinese text uses the Adobe CID font STSong-Light (no file to ship; PDF
readers supply the glyphs); other text uses DejaVu Sans where the system has it (Latin, Greek,
Cyrillic names), else Helvetica.
"""
import io
import re
from functools import cache
from pathlib import Path

from django.utils import translation
from django_countries import countries
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .enums import CATEGORY_COLOURS, GuestCategory

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@cache
def _fonts() -> dict[str, str]:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    fonts = {"cjk": "STSong-Light", "latin": "Helvetica", "latin-bold": "Helvetica-Bold"}
    regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        fonts.update({"latin": "DejaVuSans", "latin-bold": "DejaVuSans-Bold"})
    return fonts


def _font_for(text: str, bold: bool = False) -> str:
    fonts = _fonts()
    if CJK.search(text):
        return fonts["cjk"]
    return fonts["latin-bold" if bold else "latin"]


def _fit(text: str, font: str, size: float, width: float, smallest: float = 7) -> float:
    """The largest size up to `size` at which `text` fits `width`."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _centred(pdf: canvas.Canvas, text: str, y: float, size: float, *, bold: bool = False, colour=None) -> None:
    if not text:
        return
    page_width = A6[0]
    font = _font_for(text, bold)
    size = _fit(text, font, size, page_width - 16 * mm)
    pdf.setFont(font, size)
    if colour is not None:
        pdf.setFillColor(colour)
    pdf.drawCentredString(page_width / 2, y, text)


def badge_pdf(credential) -> bytes:
    """The badge of `credential` (with its registration and edition loaded) as PDF bytes."""
    registration = credential.registration
    edition = registration.edition
    width, height = A6
    colour = HexColor(CATEGORY_COLOURS.get(registration.category, CATEGORY_COLOURS[GuestCategory.OTHER]))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A6, pageCompression=1)
    pdf.setTitle(f"{registration.name} · {edition.name_en or edition.name_zh}")
    pdf.setAuthor("WIC Summit Manager")
    pdf.setSubject(registration.reference)

    # Header band: the edition, in both languages.
    pdf.setFillColor(HexColor("#0D2B52"))
    pdf.rect(0, height - 24 * mm, width, 24 * mm, stroke=0, fill=1)
    _centred(pdf, edition.name_zh, height - 11 * mm, 11, colour=white)
    _centred(pdf, edition.name_en, height - 18 * mm, 8, colour=white)

    # The guest.
    black = HexColor("#111111")
    _centred(pdf, registration.name, height - 36 * mm, 20, bold=True, colour=black)
    top = height - 43 * mm
    if registration.name_zh:
        _centred(pdf, registration.name_zh, top, 14, colour=black)
        top -= 7 * mm
    _centred(pdf, registration.organization_name, top, 10, colour=black)
    if registration.title:
        _centred(pdf, registration.title, top - 5 * mm, 8, colour=HexColor("#444444"))
    with translation.override("en"):
        country_en = str(countries.name(registration.country.code))
    with translation.override("zh-hans"):
        country_zh = str(countries.name(registration.country.code))
    country = country_zh if country_zh == country_en else f"{country_zh} · {country_en}"
    _centred(pdf, country, top - 11 * mm, 10, colour=black)

    # The QR code: the credential's secret, nothing else.
    size = 50 * mm
    widget = QrCodeWidget(credential.secret, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, (width - size) / 2, 25 * mm)
    pdf.setFont(_fonts()["latin"], 6.5)
    pdf.setFillColor(HexColor("#444444"))
    pdf.drawCentredString(width / 2, 22 * mm, credential.grouped_secret)  # the QR holds the plain secret

    # Footer band in the category's colour, with the category in both languages.
    pdf.setFillColor(colour)
    pdf.rect(0, 0, width, 18 * mm, stroke=0, fill=1)
    category = GuestCategory(registration.category)
    with translation.override("zh-hans"):
        category_zh = str(category.label)
    with translation.override("en"):
        category_en = str(category.label)
    _centred(pdf, category_zh, 10 * mm, 13, colour=white)
    _centred(pdf, category_en.upper(), 4.5 * mm, 9, bold=True, colour=white)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
