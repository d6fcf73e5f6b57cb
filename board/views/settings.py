"""The signed-in person's board digest: daily, weekly or off (no group object, so
``login_required`` only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from board import selectors, services
from board.forms import DigestForm


@login_required
@require_http_methods(["GET", "POST"])
def digest_settings(request):
    current = selectors.digest_frequency(request.user)
    form = DigestForm(
        request.POST if request.method == "POST" else None, initial={"frequency": current}
    )
    if request.method == "POST" and form.is_valid():
        services.set_digest_frequency(actor=request.user, frequency=form.cleaned_data["frequency"])
        messages.success(request, _("Your board e-mail choice is saved."))
        return redirect("board:settings")
    return render(request, "board/settings.html", {"form": form, "current": current})
