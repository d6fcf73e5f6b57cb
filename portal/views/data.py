"""My data: download everything the site holds about me, or delete my account."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portal import privacy


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput,
        strip=False,
        help_text="So nobody else can delete your account from an open browser.",
    )
    confirm = forms.BooleanField(
        label="I understand this cannot be undone.",
        error_messages={"required": "Tick the box to confirm."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


@login_required
def my_data(request):
    """My own data (no group object: ``login_required``): download it, or delete my account."""
    return render(
        request,
        "members/my_data.html",
        {
            "form": DeleteAccountForm(user=request.user),
            "blocking": privacy.groups_blocking_deletion(request.user),
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
    blocking = privacy.groups_blocking_deletion(request.user)
    if form.is_valid():
        try:
            privacy.delete_account(user=request.user)
        except privacy.AccountDeletionRefused as exc:
            form.add_error(None, str(exc))
        else:
            logout(request)
            messages.success(request, "Your account is deleted. Thank you for being part of it.")
            return redirect("landing")
    return render(request, "members/my_data.html", {"form": form, "blocking": blocking}, status=200)
