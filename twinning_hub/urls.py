from allauth.account.decorators import secure_admin_login
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
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

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("proposals/", include("proposals.urls")),
    path("history/", include("audit.urls")),
    path("privacy", privacy_notice, name="privacy_notice"),
    path("", include("links.urls")),
    path("places/", include("places.urls")),
    path("sources/", include("sources.urls")),
    path("imports/", include("imports.urls")),
    path("statistics/", include("stats.urls")),
    path("associations/", include("associations.urls")),
    path("api/v1/", include("api.urls")),
]

handler400 = "core.views.bad_request"
