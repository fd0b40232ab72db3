from django.urls import path

from associations import views
from audit import views as history_views

app_name = "associations"
urlpatterns = [
    path("", views.association_list, name="list"),
    path("messages/<str:token>/report", views.report, name="report"),
    path("<int:pk>/", views.association_detail, name="detail_short"),
    # Before the page's own address: an association's slug is never one of these words (models.RESERVED_SLUGS).
    path("<int:pk>/contact", views.contact, name="contact"),
    path("<int:pk>/contact/sent", views.contact_sent, name="contact_sent"),
    path("<int:pk>/edit", views.association_edit, name="edit"),
    path("<int:pk>/history/", history_views.association_history, name="history"),
    path("<int:pk>/committee/add", views.committee_add, name="committee_add"),
    path("<int:pk>/committee/<int:role_pk>/end", views.committee_end, name="committee_end"),
    path("<int:pk>/members/add", views.member_counts_add, name="members_add"),
    path("<int:pk>/members/<int:year>/correct", views.member_counts_correct, name="members_correct"),
    path("<int:pk>/members-by-age.csv", views.member_counts_csv, name="members_csv"),
    path("<int:pk>/contacts/add", views.contact_create, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_pk>/edit", views.contact_edit, name="contact_edit"),
    path("<int:pk>/contacts/<int:contact_pk>/remove", views.contact_delete, name="contact_remove"),
    path("<int:pk>/<slug:slug>", views.association_detail, name="detail"),
]
