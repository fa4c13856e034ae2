"""A message to ticket holders goes out as plain text and as HTML in the festival's colours, with the
organiser's words as paragraphs: escaped, since what they type is text and never markup."""

from email import message_from_bytes, policy

import pytest

from mailings import sending, services
from outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db

BODY = "Hello,\n\nDoors open at <b>10:00</b> & close late.\nBring water.\n\n<script>alert(1)</script>"


def parts(email: OutgoingEmail) -> dict[str, str]:
    parsed = message_from_bytes(bytes(email.mime), policy=policy.default)
    return {part.get_content_type(): part.get_content() for part in parsed.walk() if not part.is_multipart()}


def test_each_copy_has_a_text_part_and_a_branded_html_part_with_the_words_escaped(holder, draft):
    holder("rosa@example.org")
    holder("nye@example.org")
    message = draft(body=BODY)
    message.state = message.State.SENDING
    message.save()

    assert sending.send(message.pk) == 2

    for email in OutgoingEmail.objects.all():
        found = parts(email)
        assert set(found) == {"text/plain", "text/html"}
        assert found["text/plain"].replace("\r\n", "\n").startswith(BODY)
        html = found["text/html"]
        assert "<p>Hello,</p>" in html
        assert "<p>Doors open at &lt;b&gt;10:00&lt;/b&gt; &amp; close late.<br>Bring water.</p>" in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
        assert "background-color: #b0172b" in html
        assert "there&#x27;s no list to leave" in html or "there's no list to leave" in html


def test_a_test_send_has_the_html_part_too(draft, organiser):
    services.send_test(draft(body="Links at https://example.org/info"), user=organiser)

    html = parts(OutgoingEmail.objects.get())["text/html"]
    assert '<a href="https://example.org/info"' in html
    assert "background-color: #b0172b" in html
