"""Where to go after a form: the ``next`` the visitor brought, if it stays on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str, *, param: str = "next") -> str:
    """``request``'s ``next`` (query string, then form) if it is a URL on this site, else
    ``fallback``. Off-site, scheme-relative, backslashed, ``javascript:`` and malformed values
    all fall back."""
    target = request.GET.get(param) or request.POST.get(param) or ""
    try:
        allowed = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    except ValueError:  # e.g. "http://[::1": not a URL at all
        allowed = False
    return target if target and allowed else fallback
