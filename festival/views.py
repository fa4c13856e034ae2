from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from wagtail.models import Page


def search(request):
    """Site search over live pages, through Wagtail's search backend."""
    query = request.GET.get("q", "").strip()[:200]
    results = Page.objects.live().public().specific().search(query) if query else Page.objects.none()
    return render(request, "festival/search.html", {"query": query, "results": results})


def healthz(request):
    """For the load balancer: the app answers and the database answers."""
    Page.objects.exists()  # raises when the database does not answer
    return JsonResponse({"ok": True})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: whatever broke may be behind them.
    return HttpResponseServerError(loader.get_template("500.html").render())
