from django.urls import path

from disputes import views

app_name = "disputes"
urlpatterns = [
    path("links/<int:pk>/", views.review_list, name="list"),
    path("links/<int:pk>/new", views.review_new, name="new"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/edit", views.review_edit, name="edit"),
    path("<int:pk>/publish", views.review_publish, name="publish"),
    path("<int:pk>/unpublish", views.review_unpublish, name="unpublish"),
]
