from django.conf import settings
from django.http import HttpResponseRedirect
from django.views.decorators.http import require_GET

from config.redirects import safe_next
from members import services
from members.forms import LanguageForm


@require_GET
def set_language(request):
    """The switcher at the foot of every page: two links, so the pages stay cacheable (no form
    token) and it works without JavaScript. Anyone may choose; a visitor's choice is kept in a
    cookie, a signed-in person's on their account too, so their e-mails follow it (session
    cookies are SameSite=Lax: another site cannot make the choice for them). An unknown choice
    changes nothing. Back to the page it came from."""
    form = LanguageForm(request.GET)
    response = HttpResponseRedirect(safe_next(request, "/"))
    if not form.is_valid():
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.set_language(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
