from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("", views.template_list, name="list"),
    path("<int:pk>/", views.fill_in, name="fill"),
]
