"""Journeys: a person's whole errand, in headless Chromium, against one live server and the Stripe emulator.

The live server, the browser and the emulator are shared by every journey (session fixtures);
each journey opens its own browser context (``open_browser``, in tests/conftest.py), so cookies,
storage and service workers never leak from one journey into the next.
"""

import pypdfium2
import pytest
import zxingcpp
from django.core.management import call_command

from festival.models import FestivalPage


@pytest.fixture
def demo(db):
    """The demo festival exactly as ``make run`` loads it (``seed_demo``); its edition page."""
    call_command("seed_demo", verbosity=0)
    return FestivalPage.objects.get(slug="2026")


def read_qr_codes(pdf: bytes) -> list[str]:
    """Every QR code on the PDF's pages, as a phone camera would read the printed badge."""
    found = []
    for page in pypdfium2.PdfDocument(pdf):
        found += [result.text for result in zxingcpp.read_barcodes(page.render(scale=3).to_pil())]
    return found
