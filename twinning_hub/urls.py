from allauth.account.decorators import secure_admin_login
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import include, path

from accounts.privacy_models import Consent, Erasure
from accounts.privacy_views import privacy_notice
from core.admin_support import admin_only

# One way to sign in, with its rate limits and second factor: the admin site sends people to it.
admin.site.login = secure_admin_login(admin.site.login)
# Accounts and their secrets are for admins with a second factor, not for any superuser.
admin_only(admin.site, [User, Group, EmailAddress, Authenticator, Consent, Erasure])

# The admin and the API are for staff and programs: English only, at the same address in every
# language. The pages people read are in English at /… and in French at /fr/… (settings.LANGUAGES).
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("feeds/", include("events.feed_urls")),  # feeds keep one address in every language
]
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("proposals/", include("proposals.urls")),
    path("history/", include("audit.urls")),
    path("privacy", privacy_notice, name="privacy_notice"),
    path("", include("links.urls")),
    path("places/", include("places.urls")),
    path("map", include("places.map_urls")),  # /map and /map.csv: where a country's links lead
    path("sources/", include("sources.urls")),
    path("imports/", include("imports.urls")),
    path("statistics/", include("stats.urls")),
    path("associations/", include("associations.urls")),
    path("partners/", include("matching.urls")),
    path("verify/", include("health.verification_urls")),  # the links in "Is this link still active?" emails
    path("health/", include("health.urls")),
    path("events/", include("events.urls")),
    path("documents/", include("documents.urls")),
    path("knowledge/", include("knowledge.urls")),
    path("disputes/", include("disputes.urls")),
    prefix_default_language=False,
)

handler400 = "core.views.bad_request"
