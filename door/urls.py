from django.contrib.auth import views as auth_views
from django.urls import path

from door import device_views, views
from ticketing import print_views

app_name = "door"

urlpatterns = [
    path("api/scan/", views.scan, name="scan"),  # first: it is the hot path
    path("", views.door_page, name="page"),
    path("login/", auth_views.LoginView.as_view(template_name="door/login.html", next_page="door:page"), name="login"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("devices/", device_views.door_devices, name="devices"),
    path("devices/<int:device_id>/revoke/", device_views.revoke_door_device, name="revoke_device"),
    path("badges/print/", print_views.print_badges, name="print_badges"),
    path("badges/print/<int:job_id>/", print_views.print_job, name="print_job"),
    path("badges/print/<int:job_id>/badges.pdf", print_views.print_job_pdf, name="print_job_pdf"),
    path("double-admissions/", views.double_admissions, name="double_admissions"),
    path("api/token/", views.token, name="token"),
    path("api/sync/", views.sync, name="sync"),
    path("api/undo/", views.undo, name="undo"),
    path("api/stats/", views.stats, name="stats"),
    path("api/search/", views.search, name="search"),
    path("api/list/", views.door_list, name="list"),
]
