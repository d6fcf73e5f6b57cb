from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.health import run_checks


@require_GET
@never_cache
def healthz(request):
    """Liveness: the process answers. Touches no database, cache or broker (config/health.py)."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request):
    """Readiness: database, cache and broker each answer; 503 naming the one that does not."""
    healthy, results = run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "down", "checks": results},
        status=200 if healthy else 503,
    )


def landing(request):
    return render(request, "landing.html")


def handler404(request, exception=None):
    return render(request, "404.html", status=404)


def handler500(request):
    return render(request, "500.html", status=500)
