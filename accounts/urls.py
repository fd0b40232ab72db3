from django.urls import path

from accounts import privacy_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy-notice/accept", privacy_views.consent_give, name="consent_give"),
    path("data.json", privacy_views.data_export, name="data_export"),
    path("erase", privacy_views.erase, name="erase"),
    path("erased", privacy_views.erased, name="erased"),
    path("privileged-log", privacy_views.privileged_log, name="privileged_log"),
]
