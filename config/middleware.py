"""Project-wide HTTP hygiene (which methods are answered, what browsers may keep) and the
second sign-in step site admins must pass."""

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

from config import mfa

ALLOWED_METHODS = ("GET", "HEAD", "POST")


class AllowedMethodsMiddleware:
    """Answer 405 to every method no view of PeerCircle handles (TRACE, CONNECT, PUT, DELETE,
    OPTIONS, made-up ones) before any view runs, so no page echoes or acts on them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Every response to a signed-in person is ``private, no-store``: a shared computer's
    browser cache or back button, or a proxy, must not keep a member's pages. Responses to
    anonymous visitors keep whatever their view set (the public pages stay cacheable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


# URL names a site admin may open before passing the second step: setting it up, entering a
# code, confirming the password that setting it up asks for, signing out, the health check.
TWO_STEP_OPEN_URL_NAMES = frozenset(
    {"account_login", "account_logout", "account_reauthenticate", "healthz"}
)


class StaffTwoStepMiddleware:
    """Site admins pass the second step before anything else, the Django admin included.

    No authenticator app yet: every page sends them to set one up. An app, but this session
    has not passed the second step: every page asks for a code first (allauth's "confirm it's
    you" with an authenticator code), then carries on to the page they asked for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not mfa.requires_two_step(user):
            return None
        match = request.resolver_match
        name = match.url_name if match else ""
        if name in TWO_STEP_OPEN_URL_NAMES or (name or "").startswith("mfa_"):
            return None
        if mfa.passed_two_step(request, user):
            return None
        if mfa.has_authenticator_app(user):
            target = reverse("mfa_reauthenticate")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        if request.method == "GET" and not request.headers.get("HX-Request"):
            messages.info(
                request,
                "Site admins sign in with two steps. Please set up an authenticator app "
                "first: it takes a minute.",
            )
        return redirect("mfa_activate_totp")
