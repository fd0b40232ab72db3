from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("review", views.review, name="review"),
    path("review/<int:pk>/choose", views.choose, name="choose"),
    path("unmatched.csv", views.unmatched_csv, name="unmatched_csv"),
]
