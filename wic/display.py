"""Small display helpers the apps share: Beijing time as text, and a credential's QR code."""
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.safestring import mark_safe

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_text(moment: datetime) -> str:
    """`moment` in Beijing time as "YYYY-MM-DD HH:MM", for messages and emails."""
    return timezone.localtime(moment, BEIJING).strftime("%Y-%m-%d %H:%M")


def qr_svg(code: str, title: str):
    """An inline SVG QR code of `code`. Only for codes from the apps' own alphanumeric alphabets,
    so the SVG carries no user text and is safe to mark as such."""
    import segno

    return mark_safe(segno.make(code, error="m").svg_inline(scale=6, title=title))
