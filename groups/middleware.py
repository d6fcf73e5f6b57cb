from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from groups.enums import Language
from groups.selectors import AgreementAcceptanceRequired, RulesAcceptanceRequired, group_language
from members.middleware import accepts_spanish, chosen_language


class GroundRulesMiddleware:
    """Send a member whose group changed its ground rules (or its confidentiality agreement)
    to accept them first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RulesAcceptanceRequired):
            page = (
                "groups:accept_agreement"
                if isinstance(exception, AgreementAcceptanceRequired)
                else "groups:accept_rules"
            )
            url = reverse(page, kwargs={"slug": exception.group.slug})
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return None


class GroupLanguageMiddleware:
    """A group tagged Spanish shows its pages' fixed text in Spanish to a visitor whose browser
    accepts Spanish at all (even after English), unless they chose a language with the
    switcher or on their profile (docs/translations.md). Costs a query only then."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match is None
            or match.namespace != "groups"
            or not isinstance(view_kwargs.get("slug"), str)
            or translation.get_language() == Language.ES
            or chosen_language(request)
            or settings.LANGUAGE_COOKIE_NAME in request.COOKIES
            or not accepts_spanish(request.headers.get("accept-language", ""))
        ):
            return None
        if group_language(view_kwargs["slug"]) == Language.ES:
            translation.activate(Language.ES)
            request.LANGUAGE_CODE = Language.ES
        return None
