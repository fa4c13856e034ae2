"""Project URLs. App URLs go before Wagtail's catch-all."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from festival import views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    # Wagtail's own view, throttled; before its URLs. The name keeps it open to signed-in staff without admin access.
    path("admin/password_reset/", views.password_reset, name="wagtailadmin_password_reset_throttled"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("brand.css", views.brand_css, name="brand_css"),
    path("manifest.webmanifest", views.web_manifest, name="web_manifest"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("tickets/", include("ticketing.urls")),
    path("door/", include("door.urls")),
    path("assembly/", include("assembly.urls")),
    path("proposals/", include("proposals.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include("programme.urls"))]  # exports beside their pages, e.g. /2026/programme/schedule.json
urlpatterns += [path("", include(wagtail_urls))]

handler404 = "festival.views.page_not_found"
handler500 = "festival.views.server_error"
