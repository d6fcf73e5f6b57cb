"""My data: download everything the site holds about me, or delete my account."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from alerts import selectors as alert_selectors
from portal import privacy


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput,
        strip=False,
        help_text=_("So nobody else can delete your account from an open browser."),
    )
    confirm = forms.BooleanField(
        label=_("I understand this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(gettext("That is not your password."))
        return password


def _blocking(user) -> dict:
    """The groups where ``user`` is the only organizer, and their links as one list for the
    page's sentence ("You are the only organizer of A, B.")."""
    blocking = privacy.groups_blocking_deletion(user)
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((reverse("groups:manage_members", args=[g.slug]), g.name) for g in blocking),
    )
    return {"blocking": blocking, "blocking_links": links}


@login_required
def my_data(request):
    """My own data (no group object: ``login_required``): download it, or delete my account."""
    return render(
        request,
        "members/my_data.html",
        {
            "form": DeleteAccountForm(user=request.user),
            **_blocking(request.user),
            "saved_searches": alert_selectors.searches_of(request.user),
        },
    )


@login_required
def export(request):
    """Everything the site holds about me, as JSON (``login_required``: my own data)."""
    body = json.dumps(privacy.export_user_data(request.user), cls=DjangoJSONEncoder, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="peercircle-my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["POST"])
def delete(request):
    """Delete my own account (``login_required``), after my password and a tick."""
    form = DeleteAccountForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            privacy.delete_account(user=request.user)
        except privacy.AccountDeletionRefused as exc:
            form.add_error(None, str(exc))
        else:
            logout(request)
            messages.success(
                request, gettext("Your account is deleted. Thank you for being part of it.")
            )
            return redirect("landing")
    return render(
        request, "members/my_data.html", {"form": form, **_blocking(request.user)}, status=200
    )
