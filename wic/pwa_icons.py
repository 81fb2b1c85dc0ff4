"""Draws the installable app's icons (issue 25) into static/pwa/ with Pillow:

- icon-192.png and icon-512.png ("any"): the favicon's look (static/img/favicon.svg), a rounded
  square in the site's header blue with "WIC" in white and "乌镇" under it, corners transparent;
- icon-maskable-512.png ("maskable"): the same blue to every edge, the lettering inside the
  central circle of 40% radius that every platform's mask keeps (the W3C "safe zone").

Run once after changing the look, and commit the PNGs (they are static files, not built on
deploy):  .venv/bin/python -m wic.pwa_icons
Needs Pillow and the Noto Sans CJK Bold font (Debian's fonts-noto-cjk) for the Chinese line.
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BLUE = (0x0B, 0x4F, 0x8A, 255)  # --brand in static/css/site.css, the header's background
WHITE = (255, 255, 255, 255)
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
OUT = Path(__file__).resolve().parent.parent / "static" / "pwa"
SCALE = 4  # drawn 4x larger, then reduced: smooth edges without Pillow's (absent) anti-aliased shapes


def _font(size: int) -> ImageFont.FreeTypeFont:
    # Index 0 of the collection is the Japanese face; 2 is Simplified Chinese (SC).
    return ImageFont.truetype(str(FONT), size, index=2)


def _lettering(draw: ImageDraw.ImageDraw, centre: float, box: float) -> None:
    """ "WIC" and "乌镇" centred on `centre`, the pair as wide as `box`."""
    big = _font(int(box * 0.42))
    small = _font(int(box * 0.24))
    gap = box * 0.04
    top_w = draw.textbbox((0, 0), "WIC", font=big, anchor="ls")
    low_w = draw.textbbox((0, 0), "乌镇", font=small, anchor="ls")
    top_h = -top_w[1]  # cap height above the baseline
    low_h = -low_w[1]
    total = top_h + gap + low_h
    y_top = centre - total / 2 + top_h
    draw.text((centre, y_top), "WIC", font=big, fill=WHITE, anchor="ms")
    draw.text((centre, y_top + gap + low_h), "乌镇", font=small, fill=WHITE, anchor="ms")


def draw_icon(size: int, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BLUE)
        box = big * 0.8 * 0.62  # inside the safe circle (diameter 80%), with room for the corners of the text
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 6 / 32, fill=BLUE)
        box = big * 0.78
    _lettering(draw, big / 2, box)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False), ("icon-maskable-512.png", 512, True)):
        draw_icon(size, maskable).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
