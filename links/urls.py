from django.urls import path

from links import views

app_name = "links"
urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("links/<int:pk>/", views.link_detail, name="detail_short"),
    path("links/<int:pk>/<slug:slug>", views.link_detail, name="detail"),
]
