"""Messages to ticket holders in the admin: the log (``viewsets``) and its actions (``admin_views``)."""

from wagtail import hooks

from mailings import admin_views
from mailings.viewsets import MessageViewSet


@hooks.register("register_admin_viewset")
def register_message_viewset():
    return MessageViewSet("mailings")


@hooks.register("register_admin_urls")
def register_message_urls():
    return admin_views.urlpatterns
