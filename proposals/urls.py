"""The proposers' URLs, included under /proposals/ before Wagtail's catch-all."""

from django.urls import path

from proposals import views

app_name = "proposals"

urlpatterns = [
    path("speaker/<str:token>/", views.speaker, name="speaker"),
    path("decision/<str:token>/", views.decision, name="decision"),
    path("<slug:edition>/", views.call_page, name="call"),
    path("<slug:edition>/sign-in/<str:token>/", views.sign_in, name="sign_in"),
    path("<slug:edition>/mine/", views.mine, name="mine"),
    path("<slug:edition>/new/", views.propose, name="new"),
    path("<slug:edition>/<int:pk>/edit/", views.propose, name="edit"),
    path("<slug:edition>/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
