from django.urls import path

from knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.guide_list, name="list"),
    path("new", views.guide_create, name="create"),
    path("review/", views.moderation_queue, name="queue"),
    path("questions/", views.question_list, name="questions"),
    path("questions/new", views.question_ask, name="ask"),
    path("questions/<int:pk>/", views.question_detail, name="question"),
    path("questions/<int:pk>/answer", views.answer_post, name="answer"),
    path("posts/<str:kind>/<int:pk>/hide", views.post_hide, name="hide"),
    path("<slug:slug>/", views.guide_detail, name="guide"),
    path("<slug:slug>/edit", views.guide_edit, name="edit"),
    path("<slug:slug>/moderate", views.guide_moderate, name="moderate"),
]
