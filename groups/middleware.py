from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from groups.selectors import RulesAcceptanceRequired


class GroundRulesMiddleware:
    """Send a member whose group changed its ground rules to accept them first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RulesAcceptanceRequired):
            url = reverse("groups:accept_rules", kwargs={"slug": exception.group.slug})
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return None
