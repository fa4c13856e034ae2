"""The Content-Security-Policy on every kind of answer: pages, JSON, errors, and Wagtail's admin with
its narrower exception. The door's API, in both of its stacks: tests/door/test_wsgi.py."""

from django.urls import reverse


def directives(response) -> dict[str, str]:
    """The response's Content-Security-Policy, directive by directive."""
    parts = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return dict(parts)


def test_public_pages_allow_scripts_from_this_site_only(client, festival):
    pages = ["/", festival.url, "/search/?q=festival", f"/tickets/{festival.slug}/", "/door/login/"]

    policies = {url: directives(client.get(url)) for url in pages}

    assert {url: policy["script-src"] for url, policy in policies.items()} == dict.fromkeys(pages, "'self'")
    assert {url: policy["style-src"] for url, policy in policies.items()} == dict.fromkeys(pages, "'self'")
    assert [url for url, policy in policies.items() if "unsafe-eval" in str(policy)] == []
    assert policies["/"]["object-src"] == "'none'"
    assert policies["/"]["base-uri"] == "'self'"
    assert policies["/"]["frame-ancestors"] == "'none'"


def test_the_door_page_may_use_its_worker_and_its_camera_frames(client, live_festival, door_staff):
    client.force_login(door_staff)

    policy = directives(client.get("/door/"))

    assert (policy["script-src"], policy["worker-src"], policy["connect-src"]) == ("'self'", "'self'", "'self'")
    assert policy["img-src"] == "'self' data: blob:"


def test_a_json_answer_and_error_pages_carry_the_policy(client, festival):
    health = client.get(reverse("healthz"))
    missing = client.get("/no-such-page/")

    assert (health.status_code, directives(health)["script-src"]) == (200, "'self'")
    assert (missing.status_code, directives(missing)["script-src"]) == (404, "'self'")


def test_forms_may_be_sent_to_this_site_and_to_stripe_checkout_only(client, festival, stripe_emulator, settings):
    emulated = directives(client.get(f"/tickets/{festival.slug}/"))
    settings.STRIPE_API_BASE = ""  # a real Stripe key: Stripe's own hosted page
    real = directives(client.get(f"/tickets/{festival.slug}/"))

    assert emulated["form-action"] == f"'self' {stripe_emulator.base_url}"
    assert real["form-action"] == "'self' https://checkout.stripe.com"


def test_the_admin_alone_allows_inline_scripts_and_never_eval(admin_client, festival):
    sign_in = directives(admin_client.get("/admin/login/"))
    editor = directives(admin_client.get(reverse("wagtailadmin_pages:edit", args=[festival.pk])))

    assert sign_in["script-src"] == editor["script-src"] == "'self' 'unsafe-inline'"
    assert "unsafe-eval" not in str(editor)
    assert editor["frame-ancestors"] == "'none'"


def test_only_wagtail_s_preview_may_be_framed_and_only_by_this_site(admin_client, festival):
    preview = admin_client.get(reverse("wagtailadmin_pages:preview_on_edit", args=[festival.pk]))

    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert directives(preview)["frame-ancestors"] == "'self'"
