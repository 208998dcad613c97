"""Reading a QR code back, for the tests: the SVG path segno draws (horizontal
strokes through the middle of each row of modules) painted onto a bitmap, or any
image (a browser's screenshot), decoded by ZXing."""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image, ImageDraw

VIEWBOX = re.compile(r'viewBox="0 0 (\d+) (\d+)"')
DARK_PATH = re.compile(r'<path stroke="#000" d="([^"]+)"')
COMMAND = re.compile(r"([MmHh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?")
SCALE = 8


def svg_bitmap(svg: str) -> Image.Image:
    """segno's inline SVG painted: `M`/`m` move, `h` draws a row of dark modules."""
    size = VIEWBOX.search(svg)
    path = DARK_PATH.search(svg)
    assert size is not None, "not an SVG"
    assert path is not None, "not a segno SVG"
    width, height = int(size.group(1)), int(size.group(2))
    image = Image.new("L", (width * SCALE, height * SCALE), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, first, second in COMMAND.findall(path.group(1)):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            end = x + float(first)
            top = (y - 0.5) * SCALE
            draw.rectangle([x * SCALE, top, end * SCALE - 1, top + SCALE - 1], fill=0)
            x = end
    return image


def decode(image: Image.Image) -> str:
    """The text of the one QR code in the image."""
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1, f"{len(results)} codes found"
    return str(results[0].text)


def decode_png(png: bytes) -> str:
    return decode(Image.open(io.BytesIO(png)))
