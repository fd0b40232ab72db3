from django.urls import path

from stats import views

app_name = "stats"
urlpatterns = [
    path("", views.statistics, name="index"),
    path("<slug:section>.csv", views.section_csv, name="section_csv"),
]
