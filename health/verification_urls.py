"""The pages an emailed "Is this link still active?" link opens (/verify/…)."""

from django.urls import path

from health import verification_views

app_name = "verification"

urlpatterns = [
    path("<str:token>/", verification_views.question, name="question"),
    path("<str:token>/new-link/", verification_views.new_link, name="new_link"),
    path("<str:token>/<slug:answer>/", verification_views.answer, name="answer"),
]
