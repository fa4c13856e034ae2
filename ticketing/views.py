"""The shop's pages and the Stripe webhook. Thin: validate, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from festival import site_cache, throttle
from festival.downloads import attachment
from festival.models import FestivalPage
from ticketing import stripe_gateway, tasks
from ticketing.forms import AttendeesForm, OrderLinksForm, ShopForm, WaitingListForm
from ticketing.models import Order, WaitingListEntry
from ticketing.services import capacity, checkout, order_links, orders, payments, postponement, receipts, waiting_list
from ticketing.services.errors import ShopError

MAX_WEBHOOK_BYTES = 512 * 1024
# Others' doing or the calendar's, not bad input.
CONFLICTS = {"sold_out", "voucher_used_up", "payment_unavailable", "offer_invalid", "edition_over"}


def _load_edition(slug: str) -> tuple[FestivalPage, str] | None:
    # The shop never shows the edition's body or intro: skip loading and parsing them.
    festival = FestivalPage.objects.live().defer("body", "intro").filter(slug=slug).first()
    return None if festival is None else (festival, festival.url)


def _festival(slug: str) -> tuple[FestivalPage, str]:
    """The edition on sale at ``slug`` and its page's address. Kept in the site cache (every page
    or site change moves it on), as every buyer in a rush asks for the same edition."""
    found = site_cache.cached("shop-edition-and-url", slug, lambda: _load_edition(slug))
    if found is None:
        raise Http404("No such edition")
    return found


def _kick_sweep() -> None:
    """Queue the sweep of lapsed holds when some exist (at most once a minute), so a missed webhook still releases."""
    if cache.add("ticketing:sweep-queued", 1, 60) and Order.objects.lapsed(timezone.now()).exists():
        tasks.sweep_lapsed_holds.enqueue()


# Wrong voucher codes per client address: enough for typos, too few to guess codes by trying.
VOUCHER_GUESSES = throttle.Limit(10, 15 * 60)


@require_http_methods(["GET", "POST"])
def shop(request, slug):
    festival, festival_url = _festival(slug)
    data = request.POST if request.method == "POST" else None
    voucher_code = ((data or request.GET).get("voucher") or "").strip()
    offer_token = ((data or request.GET).get("offer") or "")[:64]
    voucher, voucher_error = None, ""
    if voucher_code:
        ip = throttle.client_ip(request)
        if throttle.used_up("voucher-guess", ip, VOUCHER_GUESSES):
            return throttle.too_many(request, VOUCHER_GUESSES, what=_("voucher codes that didn't work"))
        try:
            voucher = orders.find_voucher(festival=festival, code=voucher_code)
        except ShopError as exc:
            voucher_error = exc.message
            throttle.allow("voucher-guess", ip, VOUCHER_GUESSES)
    now = timezone.now()
    offer = WaitingListEntry.objects.open_offer(offer_token, festival, now)
    snapshot = capacity.stock(festival, now)
    sales_state = capacity.sales_state(festival, now=now, snapshot=snapshot)
    ticket_types = orders.visible_ticket_types(festival=festival, voucher=voucher, types=snapshot.types)
    form = ShopForm(data, ticket_types=ticket_types, initial={"voucher": voucher_code if voucher else ""})
    context = {
        "page": festival,
        "festival": festival,
        "festival_url": festival_url,
        "form": form,
        "voucher": voucher,
        "voucher_error": voucher_error,
        "offer": offer,
        "offer_token": offer_token if offer else "",
        "offer_invalid": bool(offer_token and not offer),
        "now": now,
        "sales_state": sales_state,
        "sales_closed": sales_state not in (FestivalPage.Status.ON_SALE, FestivalPage.Status.SOLD_OUT),
    }
    if request.method == "GET":
        _kick_sweep()
        context["sold_out"] = sales_state == FestivalPage.Status.SOLD_OUT and not offer
        context["waiting_form"] = WaitingListForm()
        return render(request, "ticketing/shop.html", context)
    if "apply_voucher" in data:
        # The voucher's own button: show the first step again with the voucher applied (and the
        # types it unlocks), keeping what the buyer typed, without checking the rest yet.
        context["form"] = form = ShopForm(None, ticket_types=ticket_types, initial=data.dict())
        context["waiting_form"] = WaitingListForm()
        if voucher_error or not voucher_code:
            form.cleaned_data = {}  # add_error expects it; this form is unbound so nothing else is checked
            form.add_error("voucher", voucher_error or _("Type a voucher code, then press Apply."))
            return render(request, "ticketing/shop.html", context, status=400)
        return render(request, "ticketing/shop.html", context)
    if voucher_error or not form.is_valid():
        if voucher_error:
            form.add_error("voucher", voucher_error)
        return render(request, "ticketing/shop.html", context, status=400)
    lines = form.line_requests()
    labels = [t.name for t in ticket_types for _ in range(min(form.cleaned_data.get(f"qty_{t.pk}") or 0, 99))]
    initial = {"attendee_0": form.cleaned_data["buyer_name"]}
    attendees = AttendeesForm(data if "attendee_0" in data else None, labels=labels, initial=initial)
    context["attendees"] = attendees
    if data.get("step") != "pay" or not attendees.is_valid():
        try:  # the review step: price it and check every rule before asking for names
            context["quote"] = orders.quote_order(
                festival=festival,
                lines=lines,
                donation=form.cleaned_data["donation"] or 0,
                voucher_code=voucher_code if voucher else "",
                snapshot=snapshot,
            )
        except ShopError as exc:
            form.add_error(None, exc.message)
            context["error_code"] = exc.code
            return render(request, "ticketing/shop.html", context, status=409 if exc.code in CONFLICTS else 400)
        status = 400 if attendees.is_bound else 200
        return render(request, "ticketing/shop_review.html", context, status=status)
    try:
        order = checkout.place_order(
            festival=festival,
            buyer_name=form.cleaned_data["buyer_name"],
            buyer_email=form.cleaned_data["buyer_email"],
            lines=lines,
            attendee_names=attendees.names(),
            attendee_details=attendees.details(),
            region_group=form.cleaned_data["region_group"],
            donation=form.cleaned_data["donation"] or 0,
            voucher_code=voucher_code if voucher else "",
            offer_token=offer_token if offer else "",
            snapshot=snapshot,
        )
    except ShopError as exc:
        form.add_error(None, exc.message)
        context["error_code"] = exc.code
        if exc.code == "sold_out" and snapshot.public_left <= 0 and not offer:
            # Nothing left to choose: offer the waiting list, as the shop now does to everyone.
            context["sold_out"] = True
            context["waiting_form"] = WaitingListForm(
                initial={"name": form.cleaned_data["buyer_name"], "email": form.cleaned_data["buyer_email"]}
            )
        status = 409 if exc.code in CONFLICTS else 400
        return render(request, "ticketing/shop.html", context, status=status)
    if order.status == Order.Status.PAID:
        return redirect("ticketing:order_confirmed", token=order.access_token)
    response = HttpResponseRedirect(order.stripe_checkout_url)
    response.status_code = 303  # See Other: the browser GETs the Checkout page
    return response


@require_POST
def join_waiting_list(request, slug):
    festival, festival_url = _festival(slug)
    form = WaitingListForm(request.POST)
    if form.is_valid():
        try:
            waiting_list.join_waiting_list(festival=festival, **form.cleaned_data)
        except ShopError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("You're on the waiting list. We'll email you if tickets come free."))
            return redirect("ticketing:shop", slug=festival.slug)
    context = {"page": festival, "festival": festival, "festival_url": festival_url, "waiting_form": form,
               "sold_out": True, "form": None}  # fmt: skip
    return render(request, "ticketing/shop.html", context, status=400)


@require_http_methods(["GET", "POST"])
def resend_order_links(request):
    """ "Send me my order links again": the same answer whatever the address, so nobody learns who bought."""
    form = OrderLinksForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        email = form.cleaned_data["email"]
        if order_links.allow_request(email=email, client_ip=throttle.client_ip(request)):
            tasks.send_order_links.enqueue(email)
        messages.success(request, _("If we have orders under that address, we've sent the links to it."))
        return redirect("ticketing:order_links")
    status = 400 if form.is_bound else 200
    return render(request, "ticketing/order_links.html", {"form": form}, status=status)


def _order(token: str) -> Order:
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(Order.objects.select_related("festival", "voucher"), access_token=token)


@require_GET
def order_page(request, token):
    order = _order(token)
    tickets = order.tickets.select_related("ticket_type").order_by("pk")
    context = {
        "page": order.festival,
        "order": order,
        "tickets": tickets,
        "cancelled": "cancelled" in request.GET,
        "has_receipt": receipts.has_receipt(order=order),
        "breakdown": receipts.breakdown(order=order),
        "postponement": postponement.refund_offer(order=order, now=timezone.now()),
    }
    response = render(request, "ticketing/order.html", context)
    # The address holds the order's secret: no other site is sent it. Not "no-referrer": under it
    # a browser sends "Origin: null" with the page's own forms, and the CSRF check refuses them.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def order_receipt(request, token):
    """The order's receipt as a PDF download; an order never paid has none (404)."""
    order = _order(token)
    try:
        data = receipts.render_receipt(order=order)
    except ShopError as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = attachment(receipts.receipt_filename(order), default="receipt")
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # its address holds the order's secret
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def order_confirmed(request, token):
    order = _order(token)
    payments.confirm_from_success_page(order=order, session_id=request.GET.get("session_id", "")[:255])
    order.refresh_from_db()
    tickets = order.tickets.select_related("ticket_type").order_by("pk")
    response = render(request, "ticketing/confirmed.html", {"page": order.festival, "order": order, "tickets": tickets})
    response["Referrer-Policy"] = "same-origin"  # as on the order page: its forms post with their Origin
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def abandon_order(request, token):
    order = _order(token)
    if orders.abandon_order(order=order):
        messages.success(request, _("Your order is cancelled and nothing was charged. The tickets are back on sale."))
    else:
        messages.error(request, _("This order can no longer be cancelled here."))
    return redirect("ticketing:order", token=order.access_token)


@require_POST
def postponement_refund(request, token):
    """The buyer asks for their money back because the edition was postponed."""
    order = _order(token)
    try:
        postponement.claim_refund(order=order, now=timezone.now())
    except ShopError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your refund is on its way: the money goes back to the card you paid with."))
    return redirect("ticketing:order", token=order.access_token)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    # Stripe's events are a few kilobytes: refuse a larger one by its stated length, unread, and
    # never read more than the limit of a body that states none.
    try:
        stated = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        stated = 0
    body = b"" if stated > MAX_WEBHOOK_BYTES else request.read(MAX_WEBHOOK_BYTES + 1)
    if stated > MAX_WEBHOOK_BYTES or len(body) > MAX_WEBHOOK_BYTES:
        return HttpResponse(status=413)
    try:
        event = stripe_gateway.construct_event(body, request.headers.get("Stripe-Signature", ""))
    except stripe_gateway.WebhookSignatureError:
        return JsonResponse({"error": "invalid signature"}, status=400)
    except stripe_gateway.WebhookPayloadError as exc:  # signed, but not an event: say so, not 500
        return JsonResponse({"error": "malformed_event", "message": str(exc)}, status=400)
    outcome = payments.handle_event(event)
    return JsonResponse({"received": True, "outcome": outcome})
