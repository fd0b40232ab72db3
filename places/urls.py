from django.urls import path

from places import views

app_name = "places"
urlpatterns = [
    path("<int:pk>/", views.place_detail, name="detail_short"),
    path("<int:pk>/<slug:slug>", views.place_detail, name="detail"),
]
