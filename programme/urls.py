from django.urls import re_path

from programme import views

urlpatterns = [
    re_path(
        r"^(?P<path>(?:[\w\-]+/)+)(?P<name>schedule\.json|schedule\.xml|calendar\.ics|starred\.ics)$",
        views.export,
        name="programme_export",
    ),
]
