"""Admin list views that offer a spreadsheet only when they say what goes in it."""

from django.http import Http404
from wagtail.admin.views.generic.models import IndexView


class ListedExportsIndexView(IndexView):
    """Wagtail answers ``?export=csv`` or ``?export=xlsx`` on every list, with one empty row per
    record when the list names no ``list_export`` columns. Such a list refuses those downloads
    (404); its data is downloaded from Reports > Exports instead."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.is_export and not self.list_export:
            raise Http404
