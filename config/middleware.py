"""Project-wide HTTP hygiene (which methods are answered, what browsers may keep) and the
second sign-in step site admins must pass."""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from config import mfa
from config.errors import DomainError, NotAllowed

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
    {"account_login", "account_logout", "account_reauthenticate", "healthz", "readyz"}
)


class StaffTwoStepMiddleware:
    """Site admins pass the second step before anything else, the Django admin included.

    Neither an authenticator app nor a security key yet: every page sends them to set up an
    app (the page offers a security key instead). One of them, but this session has not passed
    the second step: every page asks for a code first (allauth's "confirm it's you" with an
    authenticator code), or for the key if a key is all they have, then carries on to the page
    they asked for. A site admin cannot remove the last security key that is their only second
    step (as they cannot turn the app off).
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
        if name == "mfa_remove_webauthn":
            return self._keep_the_last_second_step(request, user, view_kwargs)
        if name in TWO_STEP_OPEN_URL_NAMES or (name or "").startswith("mfa_"):
            return None
        if mfa.passed_two_step(request, user):
            return None
        kinds = mfa.second_step_types(user)
        if kinds:
            totp = "totp" in kinds
            target = reverse("mfa_reauthenticate" if totp else "mfa_reauthenticate_webauthn")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        if request.method == "GET" and not request.headers.get("HX-Request"):
            messages.info(
                request,
                _(
                    "Site admins sign in with two steps. Please set up an authenticator app "
                    "(or add a security key) first: it takes a minute."
                ),
            )
        return redirect("mfa_activate_totp")

    @staticmethod
    def _keep_the_last_second_step(request, user, view_kwargs):
        key = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.WEBAUTHN, pk=view_kwargs.get("pk")
        ).first()
        if key is None or not mfa.is_last_second_step(key):
            return None  # not theirs (allauth answers 404) or not the last one
        messages.error(
            request,
            _(
                "Site admins must keep two-step sign-in on. Set up an authenticator app or add "
                "another security key before you remove this one."
            ),
        )
        return redirect("mfa_list_webauthn")


class DomainErrorMiddleware:
    """The one place a service's refusal that its view did not catch becomes a response.

    After a form post: the refusal as a message on the page the person came from (303), so
    they read it where they acted. On a page load: a page saying so, 403 for ``NotAllowed``
    (their role does not allow it), 409 for any other rule (the group is full, the election
    closed, ...). Nothing is half-done: services are atomic.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        if request.method == "POST":
            messages.error(request, str(exception))
            back = request.headers.get("referer", "")
            safe = url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            response = redirect(back if safe and back else "members:dashboard")
            response.status_code = 303
            return response
        status = 403 if isinstance(exception, NotAllowed) else 409
        return render(request, "refused.html", {"message": str(exception)}, status=status)
