"""Badge PDFs: content, QR code, storage, reissue and bulk sheets."""

import io
import re
import subprocess
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.conf import settings

from ticketing.codes import looks_like_secret
from ticketing.models import RetiredSecret, Ticket
from ticketing.services import badges
from ticketing.services.badges import BadgeError, Layout

from .factories import TicketFactory, TicketTypeFactory


def pdf_pages_text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [page.get_textpage().get_text_range() for page in document]


def structure_elements(page) -> int:
    """How many top-level structure elements (tags) the page has, as a screen reader sees them."""
    tree = pdfium.raw.FPDF_StructTree_GetForPage(page.raw)
    try:
        return pdfium.raw.FPDF_StructTree_CountChildren(tree)
    finally:
        pdfium.raw.FPDF_StructTree_Close(tree)


def qr_codes_on_page(pdf: bytes, index: int = 0) -> list[str]:
    page = pdfium.PdfDocument(pdf)[index]
    image = page.render(scale=3).to_pil()
    # Only what could be a badge's code, as the door reads it: on a four-up sheet the decoder now
    # and then also "finds" a short number ("8662", "76407") in the print around the QR codes.
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [result.text for result in found if looks_like_secret(result.text)]


@pytest.fixture
def festival(festival):
    """Badges name the edition's days: these tests pin them to Friday 16 to Sunday 18 October 2026."""
    festival.start_date, festival.end_date = date(2026, 10, 16), date(2026, 10, 18)
    festival.save_revision().publish()
    return festival


@pytest.fixture
def ticket(festival):
    ticket_type = TicketTypeFactory(festival=festival, name="Solidarity weekend")
    return TicketFactory(ticket_type=ticket_type, attendee_name="Angela Davis", pronouns="she/her")


def test_badge_text_holds_name_pronouns_type_and_order_code(ticket):
    pdf = badges.render_badge_pdf(ticket)

    text = pdf_pages_text(pdf)[0]

    assert "Angela Davis" in text
    assert "she/her" in text
    assert "Solidarity weekend" in text
    assert ticket.order.code in text
    assert "FESTIVAL OF RESISTANCE 2026" in text  # set in capitals by the stylesheet


def test_badge_qr_code_decodes_to_the_secret_only(ticket):
    pdf = badges.render_badge_pdf(ticket)

    codes = qr_codes_on_page(pdf)

    assert codes == [ticket.secret]


def test_badge_is_a_single_a6_page_and_tagged(ticket):
    pdf = badges.render_badge_pdf(ticket)

    document = pdfium.PdfDocument(pdf)
    width, height = document[0].get_size()

    assert len(document) == 1
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (105, 148)
    assert structure_elements(document[0]) > 0


def test_long_names_get_a_smaller_font():
    assert badges.name_size("Bo") == badges.NAME_MAX_PT
    assert badges.name_size("Maria Magdalena Fernández-Oyelaran de la Cruz") < badges.NAME_MAX_PT
    assert badges.name_size("Angela Davis", pronouns="she/her") <= badges.name_size("Angela Davis")


def text_box(page, text: str) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of ``text`` on a PDF page, in points from the bottom left."""
    textpage = page.get_textpage()
    found = textpage.search(text).get_next()
    assert found is not None, f"{text!r} is not on the page"
    start, count = found
    boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


@pytest.mark.parametrize(
    ("name", "pronouns"),
    [
        ("Oluwaseun Adebayo-Okonkwo", "they/them"),
        ("Maria Magdalena Fernández-Oyelaran de la Cruz", "she/they"),
        ("WWWWWWW MMMMMMMMM WWWWWWWWWW", "he/him"),
        ("Bartholomew Featherstonehaugh", ""),
    ],
)
def test_a_long_name_leaves_room_for_the_pronouns_above_the_ticket_type(festival, name, pronouns):
    ticket_type = TicketTypeFactory(festival=festival, name="Weekend")
    ticket = TicketFactory(ticket_type=ticket_type, attendee_name=name, pronouns=pronouns)

    page = pdfium.PdfDocument(badges.render_badge_pdf(ticket))[0]

    ticket_type_top = text_box(page, "Weekend")[3]
    name_bottom = text_box(page, name.split()[-1])[1]
    assert name_bottom > ticket_type_top
    if pronouns:
        pronouns_box = text_box(page, pronouns)
        assert name_bottom > pronouns_box[3] - 1  # below the name, not on top of it
        assert pronouns_box[1] > ticket_type_top  # and clear of the ticket type


MM = 72 / 25.4  # points in a millimetre
LONG_PRONOUNS = "THEY/THEM/THEIRS/THEMSELVES, WE/US/OURS"  # two lines at 12 pt
NAMES_OF_EVERY_SHAPE = [
    ("A" * 60, "they/them"),  # one unbroken word far wider than the badge
    ("Maria Magdalena Fernández-Oyelaran de la Cruz Montgomery-Wainwright", LONG_PRONOUNS),  # three lines
    ("Wolfeschlegelsteinhausenbergerdorff Featherstonehaugh-Cholmondeley " * 3, "he/him"),  # 200 characters
    ("李小龍", "he/him"),
    ("阿卜杜拉·本·阿卜杜勒-阿齐兹·阿勒沙特·欧阳娜娜·司马相如", LONG_PRONOUNS),
    ("عبد الرحمن بن محمد بن عبد الله الحسيني الهاشمي القرشي", "هو"),
    ("Zoë Łukasik 李小龍 محمد", ""),
]


def text_between(page, *, after: str, before: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each character of the page's text between ``after`` and ``before`` (the name, in the order
    the PDF reads it), with its box; spaces and line breaks left out."""
    textpage = page.get_textpage()
    start = sum(textpage.search(after).get_next())
    end = textpage.search(before, index=start).get_next()[0]
    chars = [(textpage.get_text_range(i, 1), textpage.get_charbox(i)) for i in range(start, end)]
    # PDFium reads a hyphen at the end of a line as a soft hyphen (U+FFFE).
    return [(char.replace("\ufffe", "-"), box) for char, box in chars if not char.isspace()]


def box_of(chars) -> tuple[float, float, float, float]:
    boxes = [box for _, box in chars]
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


@pytest.mark.parametrize(("name", "pronouns"), NAMES_OF_EVERY_SHAPE)
def test_any_name_fits_its_box_with_the_pronouns_and_ticket_type_in_view(festival, caplog, name, pronouns):
    ticket_type = TicketTypeFactory(festival=festival, name="Solidarity weekend")
    name = " ".join(name.split())
    ticket = TicketFactory(ticket_type=ticket_type, attendee_name=name, pronouns=pronouns)

    with caplog.at_level("WARNING", logger="weasyprint"):
        page = pdfium.PdfDocument(badges.render_badge_pdf(ticket))[0]
    width, height = page.get_size()
    header_bottom = text_box(page, "Northern Co-operative Hall")[1]
    who = text_between(page, after="Northern Co-operative Hall", before="Solidarity weekend")
    name_chars, pronoun_chars = who[: len("".join(name.split()))], who[len("".join(name.split())) :]
    ticket_type_box = text_box(page, "Solidarity weekend")
    days_box = text_box(page, "Every day")
    qr_code = next(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE])).get_bounds()

    assert [r.getMessage() for r in caplog.records if "notdef" in r.getMessage()] == []  # every glyph drawn
    assert "".join(char for char, _ in name_chars) == "".join(name.split())  # the whole name, in order
    assert "".join(char for char, _ in pronoun_chars) == "".join(pronouns.split())  # and the pronouns
    for char, (left, bottom, right, top) in who:  # inside the badge's margins, under its header
        assert left >= 6 * MM - 1 and right <= width - 6 * MM + 1, (char, left, right)
        assert top < header_bottom and bottom > ticket_type_box[3], (char, top, bottom)
    if pronouns:  # under the name, not on it
        assert box_of(name_chars)[1] > box_of(pronoun_chars)[3] - 1
    assert ticket_type_box[1] > days_box[3] and days_box[1] > qr_code[3]  # the ticket type and days in view
    assert qr_code[1] > 0 and qr_code[3] < height


def test_the_name_is_measured_in_the_box_the_stylesheet_draws():
    css = (Path(settings.BASE_DIR) / "templates" / "ticketing" / "badge.css").read_text()
    template = (Path(settings.BASE_DIR) / "templates" / "ticketing" / "badge.html").read_text()

    def rule(selector: str) -> str:
        return re.search(rf"^{re.escape(selector)} {{([^}}]*)}}", css, re.MULTILINE)[1]

    fonts = ", ".join(f'"{font}"' if " " in font else font for font in badges.BADGE_FONTS)
    assert f"font-family: {fonts};" in rule("html")
    assert f'<html lang="{badges.BADGE_LANG}">' in template
    assert "width: 105mm;" in rule(".badge")
    assert f"padding: 7mm {(105 - badges.NAME_BOX_PT / MM) / 2:g}mm 0;" in rule(".badge__who")
    assert f"height: {badges.NAME_HEIGHT_PT / MM:g}mm;" in rule(".badge__who")
    assert f"line-height: {badges.NAME_LINE_HEIGHT:g};" in rule(".badge__name")
    assert f"margin: {badges.PRONOUNS_GAP_PT / MM:g}mm 0 0;" in rule(".badge__pronouns")
    assert f"font-size: {badges.PRONOUNS_PT:g}pt;" in rule(".badge__pronouns")
    assert f"line-height: {badges.PRONOUNS_LINE_HEIGHT:g};" in rule(".badge__pronouns")


def test_days_label_for_a_one_day_ticket(festival):
    ticket_type = TicketTypeFactory(festival=festival, valid_days=["2026-10-17"])

    assert badges.days_label(ticket_type, festival) == "Saturday 17 October"


def test_badge_bytes_renders_once_then_serves_stored_bytes(ticket):
    first = badges.badge_bytes(ticket=ticket)
    ticket.refresh_from_db()
    stored_name = ticket.badge_pdf.name

    second = badges.badge_bytes(ticket=ticket)
    ticket.refresh_from_db()

    assert first == second
    assert first.startswith(b"%PDF-")
    assert ticket.badge_pdf.name == stored_name
    assert ticket.badge_rendered_at is not None


def test_render_order_badges_task_stores_every_valid_ticket(ticket):
    other = TicketFactory(ticket_type=ticket.ticket_type, order=ticket.order, attendee_name="Bayard Rustin")

    badges.render_order_badges.enqueue(ticket.order.pk)

    assert sorted(t.attendee_name for t in Ticket.objects.exclude(badge_pdf="")) == ["Angela Davis", "Bayard Rustin"]
    assert other.order_id == ticket.order_id


def test_reissue_gives_a_new_secret_and_retires_the_old(ticket, django_capture_on_commit_callbacks):
    old_secret = ticket.secret

    with django_capture_on_commit_callbacks(execute=True):
        badges.reissue_badge(ticket=ticket, attendee_name="Angela Y. Davis")
    ticket.refresh_from_db()

    assert ticket.secret != old_secret
    assert ticket.attendee_name == "Angela Y. Davis"
    assert RetiredSecret.objects.get(secret=old_secret).ticket == ticket
    assert qr_codes_on_page(badges.badge_bytes(ticket=ticket)) == [ticket.secret]


def test_reissue_refuses_a_refunded_ticket(ticket):
    ticket.status = Ticket.Status.REFUNDED
    ticket.save()

    with pytest.raises(BadgeError) as error:
        badges.reissue_badge(ticket=ticket, attendee_name="Someone Else")

    assert error.value.code == "not_valid"
    assert RetiredSecret.objects.count() == 0


def test_bulk_pdf_is_sorted_by_name_and_marks_printed(festival):
    ticket_type = TicketTypeFactory(festival=festival)
    for name in ["Zora Neale", "audre Lorde", "Bell Hooks"]:
        TicketFactory(ticket_type=ticket_type, attendee_name=name)

    tickets = badges.tickets_for_printing(festival=festival)
    pdf = badges.render_bulk_pdf(tickets=tickets)

    texts = pdf_pages_text(pdf)
    assert [next(n for n in ["audre", "Bell", "Zora"] if n in t) for t in texts] == ["audre", "Bell", "Zora"]
    assert Ticket.objects.filter(badge_printed_at__isnull=True).count() == 0
    assert badges.tickets_for_printing(festival=festival, not_printed=True).count() == 0


def test_bulk_pdf_four_up_on_a4_with_every_qr_readable(festival):
    ticket_type = TicketTypeFactory(festival=festival)
    tickets = [TicketFactory(ticket_type=ticket_type, attendee_name=f"Person {n}") for n in range(5)]

    pdf = badges.render_bulk_pdf(tickets=badges.tickets_for_printing(festival=festival), layout=Layout.A4)

    document = pdfium.PdfDocument(pdf)
    width, height = document[0].get_size()
    assert len(document) == 2
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert sorted(qr_codes_on_page(pdf, 0)) == sorted(t.secret for t in tickets[:4])


def test_bulk_filters_by_day_and_type_and_skips_refunded(festival):
    friday = TicketTypeFactory(festival=festival, name="Friday", valid_days=["2026-10-16"])
    weekend = TicketTypeFactory(festival=festival, name="Weekend")
    TicketFactory(ticket_type=friday, attendee_name="Fri Only")
    TicketFactory(ticket_type=weekend, attendee_name="All Days")
    TicketFactory(ticket_type=weekend, attendee_name="Refunded", status=Ticket.Status.REFUNDED)

    saturday = badges.tickets_for_printing(festival=festival, day=date(2026, 10, 17))
    friday_only = badges.tickets_for_printing(festival=festival, ticket_type_id=friday.pk)

    assert [t.attendee_name for t in saturday] == ["All Days"]
    assert [t.attendee_name for t in friday_only] == ["Fri Only"]


def test_badge_pdf_image_is_small(ticket):
    assert len(badges.render_badge_pdf(ticket)) < 200_000
    assert io.BytesIO(badges.render_badge_pdf(ticket)).read(5) == b"%PDF-"


def test_confirmation_email_carries_one_valid_pdf_per_ticket(ticket, mailoutbox, django_capture_on_commit_callbacks):
    from ticketing.services.emails import send_order_confirmation

    second = TicketFactory(ticket_type=ticket.ticket_type, order=ticket.order, attendee_name="Bayard Rustin")

    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends once the queuing commits
        send_order_confirmation(ticket.order)

    message = mailoutbox[0]
    pdfs = [a for a in message.attachments if a[2] == "application/pdf"]
    assert len(pdfs) == 2
    assert all(content.startswith(b"%PDF-") for _, content, _ in pdfs)
    assert sorted(qr_codes_on_page(content)[0] for _, content, _ in pdfs) == sorted([ticket.secret, second.secret])
    assert ticket.order.access_token in message.body


def test_order_page_offers_badge_download_and_calendar(client, ticket):
    from django.urls import reverse

    page = client.get(reverse("ticketing:order", kwargs={"token": ticket.order.access_token}))
    download = client.get(
        reverse("ticketing:badge_download", kwargs={"token": ticket.order.access_token, "ticket_id": ticket.pk})
    )
    calendar = client.get(reverse("ticketing:festival_calendar", kwargs={"token": ticket.order.access_token}))
    wrong = client.get(reverse("ticketing:badge_download", kwargs={"token": "nope", "ticket_id": ticket.pk}))

    assert b"Download badge" in page.content
    assert download["Content-Type"] == "application/pdf"
    assert qr_codes_on_page(download.content) == [ticket.secret]
    assert b"BEGIN:VEVENT" in calendar.content
    assert b"SUMMARY:Festival of Resistance 2026" in calendar.content
    assert wrong.status_code == 404


def test_name_correction_reissues_the_badge(client, ticket):
    from django.urls import reverse

    old_secret = ticket.secret
    url = reverse("ticketing:badge_rename", kwargs={"token": ticket.order.access_token, "ticket_id": ticket.pk})

    response = client.post(url, {"attendee_name": "  Angela   Yvonne Davis ", "pronouns": "she/her"})
    refused = client.post(url, {"attendee_name": "   "})
    ticket.refresh_from_db()

    assert response.status_code == 302
    assert refused.status_code == 302
    assert ticket.attendee_name == "Angela Yvonne Davis"
    assert ticket.secret != old_secret
    assert RetiredSecret.objects.filter(secret=old_secret).count() == 1


def test_bulk_pdf_does_not_mark_a_badge_reissued_while_it_was_made(festival):
    ticket_type = TicketTypeFactory(festival=festival)
    kept = TicketFactory(ticket_type=ticket_type, attendee_name="Claudette Colvin")
    reissued = TicketFactory(ticket_type=ticket_type, attendee_name="Diane Nash")
    tickets = list(badges.tickets_for_printing(festival=festival))  # read before the reissue
    badges.reissue_badge(ticket=reissued)

    badges.render_bulk_pdf(tickets=tickets)
    kept.refresh_from_db()
    reissued.refresh_from_db()

    assert kept.badge_printed_at is not None
    assert reissued.badge_printed_at is None  # the PDF holds its old, voided badge


@pytest.fixture
def small_chunks(monkeypatch):
    """Bulk renders of a few badges go through the parallel path: chunks of one A4 sheet."""
    monkeypatch.setattr(badges, "PARALLEL_FROM", 2)
    monkeypatch.setattr(badges, "CHUNK_BADGES", 4)


NAMES = ["Ada", "Bea", "Cyd", "Dot", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo"]


def test_parallel_bulk_pdf_keeps_every_badge_in_name_order(festival, small_chunks):
    ticket_type = TicketTypeFactory(festival=festival)
    for name in reversed(NAMES):
        TicketFactory(ticket_type=ticket_type, attendee_name=f"{name} Example")

    pdf = badges.render_bulk_pdf(tickets=badges.tickets_for_printing(festival=festival), mark_printed=False)

    document = pdfium.PdfDocument(pdf)
    texts = pdf_pages_text(pdf)
    assert len(document) == 10  # three chunks of 4, 4 and 2 A6 pages, joined
    assert [next(n for n in NAMES if f"{n} Example" in text) for text in texts] == NAMES
    assert all(structure_elements(page) > 0 for page in document)  # every page still tagged
    assert [item.get_title() for item in document.get_toc()] == [f"{n} Example" for n in NAMES]
    assert [item.get_dest().get_index() for item in document.get_toc()] == list(range(10))


def test_parallel_four_up_sheets_hold_the_right_badges(festival, small_chunks):
    ticket_type = TicketTypeFactory(festival=festival)
    tickets = [TicketFactory(ticket_type=ticket_type, attendee_name=f"{name} Example") for name in NAMES]

    pdf = badges.render_bulk_pdf(
        tickets=badges.tickets_for_printing(festival=festival), layout=Layout.A4, mark_printed=False
    )

    document = pdfium.PdfDocument(pdf)
    width, height = document[2].get_size()
    assert len(document) == 3
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert sorted(qr_codes_on_page(pdf, 1)) == sorted(t.secret for t in tickets[4:8])
    assert sorted(qr_codes_on_page(pdf, 2)) == sorted(t.secret for t in tickets[8:])


def test_parallel_bulk_pdf_reads_as_the_single_document_would(festival, monkeypatch, tmp_path):
    ticket_type = TicketTypeFactory(festival=festival)
    for name in NAMES[:6]:
        TicketFactory(ticket_type=ticket_type, attendee_name=f"{name} Example", pronouns="they/them")
    tickets = list(badges.tickets_for_printing(festival=festival))
    single = badges.render_bulk_pdf(tickets=tickets, layout=Layout.A4, mark_printed=False)
    monkeypatch.setattr(badges, "PARALLEL_FROM", 2)
    monkeypatch.setattr(badges, "CHUNK_BADGES", 4)

    joined = badges.render_bulk_pdf(tickets=tickets, layout=Layout.A4, mark_printed=False)
    (tmp_path / "joined.pdf").write_bytes(joined)
    info = subprocess.run(["pdfinfo", str(tmp_path / "joined.pdf")], capture_output=True, text=True, check=True)

    assert pdf_pages_text(joined) == pdf_pages_text(single)
    assert "Tagged:          yes" in info.stdout
    assert "Pages:           2" in info.stdout
    assert "Title:           Badges · Festival of Resistance" in info.stdout
    assert pdfium.PdfDocument(joined).get_metadata_dict()["Title"] == "Badges · Festival of Resistance"


def test_a4_cut_marks_reach_past_a_printer_s_unprintable_margin(festival):
    ticket_type = TicketTypeFactory(festival=festival, name="Weekend")
    tickets = [TicketFactory(ticket_type=ticket_type, attendee_name=f"Name {n}") for n in range(4)]

    data = badges.render_bulk_pdf(tickets=tickets, layout=Layout.A4, mark_printed=False)

    dpi = 150
    image = pdfium.PdfDocument(data)[0].render(scale=dpi / 72).to_pil().convert("L")
    mm = dpi / 25.4
    middle_x, middle_y = round(105 * mm), round(148.5 * mm)
    # Most printers cannot print the outer 4 to 5 mm of a sheet: each mark must show from 6 to 9 mm in.
    inside = [round(d * mm) for d in (6, 7.5, 9)]

    def darkest(x, y, across):  # the mark is thin: look a few pixels either side of where it runs
        return min(image.getpixel((x + d, y) if across == "x" else (x, y + d)) for d in range(-3, 4))

    top = [darkest(middle_x, y, "x") for y in inside]
    bottom = [darkest(middle_x, image.height - 1 - y, "x") for y in inside]
    left = [darkest(x, middle_y, "y") for x in inside]
    right = [darkest(image.width - 1 - x, middle_y, "y") for x in inside]
    assert max(top + bottom + left + right) < 40  # black, not the badge's coloured header
