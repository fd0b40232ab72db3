from django.urls import path

from matching import views

app_name = "matching"
urlpatterns = [
    path("", views.profile_list, name="list"),
    path("mine", views.mine, name="mine"),
    path("new", views.profile_create, name="create"),
    path("reports/", views.report_queue, name="reports"),
    path("reports/<int:pk>/handle", views.report_handle, name="report_handle"),
    path("introductions/<int:pk>", views.introduction, name="introduction"),
    path("introductions/<int:pk>/answer", views.introduction_answer, name="answer"),
    path("introductions/<int:pk>/withdraw", views.introduction_withdraw, name="withdraw"),
    path("introductions/<int:pk>/message", views.message, name="message"),
    path("introductions/<int:pk>/block", views.block, name="block"),
    path("introductions/<int:pk>/report", views.report, name="report"),
    path("<int:pk>/", views.profile_detail, name="profile_short"),
    path("<int:pk>/edit", views.profile_edit, name="edit"),
    path("<int:pk>/status", views.profile_status, name="status"),
    path("<int:pk>/suggestions", views.suggestions, name="suggestions"),
    path("<int:pk>/interest", views.interest, name="interest"),
    path("<int:pk>/report", views.profile_report, name="profile_report"),
    path("<int:pk>/<slug:slug>", views.profile_detail, name="profile"),
]
