from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("changes/<int:pk>/revert", views.revert, name="revert"),
]
