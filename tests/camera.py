"""A fake camera for browser tests: Chromium fed a video (YUV4MPEG2) of a badge's QR code.

Chromium plays the file in a loop as its only camera when launched with ``camera_args(path)``.
"""

from pathlib import Path

import pypdfium2
import qrcode
from PIL import Image

from tests.browser import CHROMIUM, CHROMIUM_ARGS, CspWatchedBrowser

WIDTH, HEIGHT = 640, 480
FPS = 10


def camera_args(video: Path) -> list[str]:
    """Chromium's arguments for a camera that films ``video`` and needs no one to allow it."""
    return [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]


def launch_with_camera(chromium, video: Path):
    """A second Chromium, from the session's Playwright, whose camera films ``video`` (its pages' CSP watched)."""
    return CspWatchedBrowser(chromium.browser_type.launch(executable_path=CHROMIUM, args=camera_args(video)))


def blank_frame() -> Image.Image:
    """What the camera sees with no badge in front of it: a plain light grey."""
    return Image.new("RGB", (WIDTH, HEIGHT), (225, 225, 225))


def qr_frame(text: str) -> Image.Image:
    """A QR code of ``text`` on white with its quiet zone, filling most of the frame's height."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=4)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    side = HEIGHT - 80
    image = image.resize((side, side), Image.Resampling.NEAREST)
    frame = Image.new("RGB", (WIDTH, HEIGHT), "white")
    frame.paste(image, ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    return frame


def badge_frame(pdf: bytes) -> Image.Image:
    """The lower part of a badge PDF's first page, QR code and all, as a camera held close sees it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        width, _height = page.get_size()
        image = page.render(scale=WIDTH / width).to_pil().convert("RGB")
    finally:
        document.close()
    return image.crop((0, image.height - HEIGHT, WIDTH, image.height))


def write_y4m(path: Path, frames: list[Image.Image]) -> Path:
    """Write ``frames`` (640×480 RGB) as an uncompressed YUV 4:2:0 video Chromium can play as a camera."""
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            y, u, v = frame.convert("YCbCr").split()
            half = (WIDTH // 2, HEIGHT // 2)
            out.write(b"FRAME\n")
            out.write(y.tobytes())
            out.write(u.resize(half, Image.Resampling.BOX).tobytes())
            out.write(v.resize(half, Image.Resampling.BOX).tobytes())
    return path
