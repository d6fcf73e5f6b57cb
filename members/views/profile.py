from allauth.account.views import LoginView
from allauth.core.ratelimit import respond_429
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from members import selectors, services
from members.enums import OPTIONAL_KINDS, NotificationKind
from members.forms import NotificationPreferencesForm, ProfileForm
from members.notifications import read_unsubscribe_token


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    """The signed-in person's own profile: no group object, so ``login_required`` only."""
    profile = services.ensure_profile(user=request.user)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.update_profile(actor=request.user, profile=profile, data=dict(form.cleaned_data))
        messages.success(request, _("Your profile is saved."))
        return redirect("members:profile", pk=profile.pk)
    if request.method == "POST":
        # The form edited a copy of the instance; show the stored state beside the errors.
        profile.refresh_from_db()
    return render(
        request,
        "members/profile_edit.html",
        {
            "form": form,
            "profile": profile,
            "completeness": profile.completeness(),
            "licence_check": selectors.latest_licence_check(profile),
            "two_step_on": is_mfa_enabled(
                request.user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
            ),
        },
    )


class RateLimitedLoginView(LoginView):
    """allauth's login page, answering HTTP 429 once an account's failed-login limit is hit.

    allauth refuses further attempts with a form error; a 429 tells browsers, scripts and
    monitoring what is going on.
    """

    def form_invalid(self, form):
        codes = {error.code for error in form.non_field_errors().as_data()}
        if "too_many_login_attempts" in codes:
            return respond_429(self.request)
        return super().form_invalid(form)


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    """The signed-in person's own e-mail choices: ``login_required`` only."""
    profile = services.ensure_profile(user=request.user)
    prefs = {p.kind: p for p in request.user.notification_prefs.all()}
    form = NotificationPreferencesForm(
        request.POST if request.method == "POST" else None, prefs=prefs, profile=profile
    )
    if request.method == "POST" and form.is_valid():
        services.update_notification_preferences(user=request.user, **form.service_data())
        messages.success(request, _("Your notification choices are saved."))
        return redirect("members:notifications")
    return render(request, "members/notifications.html", {"form": form})


@csrf_exempt  # RFC 8058 one-click: mail clients POST here without a session or CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Public: the signed token in the link says whose e-mail and which kind."""
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "members/unsubscribe_invalid.html", status=400)
    user = selectors.active_user(user_id)
    if user is None or kind not in OPTIONAL_KINDS:
        return render(request, "members/unsubscribe_invalid.html", status=400)
    label = NotificationKind(kind).label
    if request.method == "POST":
        services.unsubscribe(user=user, kind=kind)
        return render(request, "members/unsubscribe_done.html", {"label": label})
    return render(request, "members/unsubscribe.html", {"label": label, "token": token})
