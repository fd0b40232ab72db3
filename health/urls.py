from django.urls import path

from health import views

app_name = "health"
urlpatterns = [
    path("council/", views.council_dashboard, name="council"),
    path("council/links.csv", views.council_dashboard_csv, name="council_csv"),
    path("links/<int:pk>/activities/new", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/edit", views.activity_edit, name="activity_edit"),
    path("links/<int:pk>/verify", views.verify, name="verify"),
]
