"""The assembly's public URLs, included under /assembly/."""

from django.urls import path

from assembly import views

app_name = "assembly"

urlpatterns = [
    path("badge/", views.badge, name="badge"),
    path("receipt/", views.receipt, name="receipt"),
    path("ballot/<str:token>/", views.ballot, name="ballot"),
    path("ballot/<str:token>/<int:vote_id>/", views.cast, name="cast"),
    path("member/<str:token>/motions/", views.member_motions, name="member_motions"),
    path("<slug:slug>/motions/", views.motions_list, name="motions"),
    path("<slug:slug>/projector/", views.projector, name="projector"),
]
