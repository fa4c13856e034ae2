"""The shop's URLs, included under /tickets/ before Wagtail's catch-all."""

from django.urls import path

from ticketing import views

app_name = "ticketing"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("orders/<str:token>/", views.order_page, name="order"),
    path("orders/<str:token>/confirmed/", views.order_confirmed, name="order_confirmed"),
    path("orders/<str:token>/cancel/", views.abandon_order, name="order_abandon"),
    path("<slug:slug>/", views.shop, name="shop"),
    path("<slug:slug>/waiting-list/", views.join_waiting_list, name="waiting_list"),
]
