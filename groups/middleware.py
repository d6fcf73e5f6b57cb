from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from groups.selectors import AgreementAcceptanceRequired, RulesAcceptanceRequired


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
