"""The production URLs plus the benchmark's trivial view (bench/settings.py: never in the
production URL configuration).

The trivial view is the floor every page is measured against: the same server, the same
middleware (sessions, the signed-in user, language and time zone), and a view that does
nothing. A page's requests per second divided by the trivial view's, in the same sign-in state,
is what the page itself costs.
"""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial"), *site_urlpatterns]
