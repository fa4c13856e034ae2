"""The shop's URLs, included under /tickets/ before Wagtail's catch-all."""

from django.urls import path

from ticketing import attendee_views, badge_views, views

app_name = "ticketing"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("orders/lost-link/", views.resend_order_links, name="order_links"),
    path("orders/<str:token>/", views.order_page, name="order"),
    path("orders/<str:token>/confirmed/", views.order_confirmed, name="order_confirmed"),
    path("orders/<str:token>/receipt.pdf", views.order_receipt, name="order_receipt"),
    path("orders/<str:token>/cancel/", views.abandon_order, name="order_abandon"),
    path(
        "orders/<str:token>/postponement-refund/",
        views.postponement_refund,
        name="order_postponement_refund",
    ),
    path("orders/<str:token>/badges/<int:ticket_id>.pdf", badge_views.badge_download, name="badge_download"),
    path("orders/<str:token>/badges/<int:ticket_id>/name/", badge_views.badge_rename, name="badge_rename"),
    path("orders/<str:token>/festival.ics", badge_views.festival_calendar, name="festival_calendar"),
    path("ticket/<str:token>/", attendee_views.ticket_page, name="ticket"),
    path("ticket/<str:token>/badge.pdf", attendee_views.ticket_badge, name="ticket_badge"),
    path("ticket/<str:token>/name/", attendee_views.ticket_rename, name="ticket_rename"),
    path("<slug:slug>/", views.shop, name="shop"),
    path("<slug:slug>/waiting-list/", views.join_waiting_list, name="waiting_list"),
]
