"""Two-step sign-in policy: who must use it, and whether this session has passed it.

Site admins (staff and superusers) must: every page, the Django admin included, first sends
them to set up an authenticator app if they have neither an app nor a security key, or to
confirm with a code or their key if this session has not passed the second step (a session started before they set it up, or before they were made
an admin). Everyone else may turn it on from their profile; organizers of closed groups are
encouraged to. The check reads the session's sign-in record (allauth's) and costs a query only
for an admin whose session has not passed the second step.

Changes to how someone signs in (two-step on or off, new recovery codes, a new e-mail address,
a password changed or reset) each leave an audit entry; allauth makes the change and sends
the signal, the receivers below write the entry.
"""

from allauth.account import signals as account_signals
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.forms import AddWebAuthnForm, EditWebAuthnForm
from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.services import record_audit


def requires_two_step(user) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def passed_two_step(request, user) -> bool:
    """This session's sign-in included an authenticator code (or a recovery code)."""
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, user))


# The kinds of authenticator that are a second step on their own (recovery codes are a
# fallback for them, never the only one).
SECOND_STEP_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def second_step_types(user) -> set[str]:
    """Which second steps the user has set up: ``{"totp", "webauthn"}``, either or none."""
    return set(
        Authenticator.objects.filter(user=user, type__in=SECOND_STEP_TYPES)
        .values_list("type", flat=True)
        .distinct()
    )


def is_last_second_step(authenticator) -> bool:
    """Removing this authenticator would leave its owner with no second step."""
    return not (
        Authenticator.objects.filter(user_id=authenticator.user_id, type__in=SECOND_STEP_TYPES)
        .exclude(pk=authenticator.pk)
        .exists()
    )


def _record_setup_as_second_step(sender, request, user, authenticator, **kwargs) -> None:
    """Setting up the app means typing a valid code from it, and adding a security key means
    touching it: that is the second step, so the session counts as having passed it (an admin
    is not asked for a code or the key twice)."""
    if request is not None and authenticator.type in SECOND_STEP_TYPES:
        record_authentication(request, user, "mfa", type=authenticator.type, id=authenticator.pk)


def _audit(verb: str):
    def receiver(sender, user=None, request=None, **kwargs) -> None:
        if user is None and request is not None:
            user = request.user
        if user is not None and user.is_authenticated:
            authenticator = kwargs.get("authenticator")
            data = {"type": authenticator.type} if authenticator is not None else {}
            record_audit(actor=user, verb=verb, subject=user, data=data)

    receiver.__name__ = f"audit_{verb.replace('.', '_')}"
    return receiver


def _audit_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    if authenticator.type == Authenticator.Type.TOTP:
        record_audit(actor=user, verb="account.two_step_on", subject=user)
    elif authenticator.type == Authenticator.Type.WEBAUTHN:
        record_audit(
            actor=user, verb="account.security_key_added", subject=user, data={"type": "webauthn"}
        )


def _audit_authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    if authenticator.type == Authenticator.Type.TOTP:
        record_audit(actor=user, verb="account.two_step_off", subject=user)
    elif authenticator.type == Authenticator.Type.WEBAUTHN:
        record_audit(
            actor=user,
            verb="account.security_key_removed",
            subject=user,
            data={"type": "webauthn"},
        )


AUDITED = [
    (account_signals.email_changed, _audit("account.email_changed")),
    (account_signals.password_changed, _audit("account.password_changed")),
    (account_signals.password_reset, _audit("account.password_reset")),
    (mfa_signals.authenticator_reset, _audit("account.recovery_codes_made")),
    (mfa_signals.authenticator_added, _audit_authenticator_added),
    (mfa_signals.authenticator_removed, _audit_authenticator_removed),
]

mfa_signals.authenticator_added.connect(
    _record_setup_as_second_step, dispatch_uid="peercircle-mfa-setup"
)
for _signal, _receiver in AUDITED:
    _signal.connect(_receiver, weak=False, dispatch_uid=f"peercircle-{_receiver.__name__}")


class AuthenticatorAdmin(admin.ModelAdmin):
    """The Django admin's view of authenticators: who has which, and a way to remove a lost
    one (the person then sets it up again). Never the key or the recovery codes: allauth's own
    admin shows and edits the ``data`` field, which holds the TOTP key in the clear."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


def register_admin(site) -> None:
    if site.is_registered(Authenticator):
        site.unregister(Authenticator)
    site.register(Authenticator, AuthenticatorAdmin)


# --- Security keys: the name a member gives a key -------------------------------------------

KEY_NAME_MAX_LENGTH = 100


class AddSecurityKeyForm(AddWebAuthnForm):
    """allauth's form, with a bounded name (the name is stored in the authenticator's data)."""

    name = forms.CharField(
        label=gettext_lazy("Name of the key"),
        required=False,
        max_length=KEY_NAME_MAX_LENGTH,
        strip=True,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial["name"] = self.default_name()

    def default_name(self) -> str:
        """ "Security key", then "Security key 2", … (allauth's default is "Master key")."""
        count = Authenticator.objects.filter(
            user_id=self.user.pk, type=Authenticator.Type.WEBAUTHN
        ).count()
        if count == 0:
            return _("Security key")
        return _("Security key %(number)s") % {"number": count + 1}

    def clean_name(self) -> str:
        return self.cleaned_data["name"] or self.default_name()

    def clean_credential(self):
        """The browser's answer is a JSON object; allauth's form would accept ``0`` or
        ``false`` (and save a key that cannot work)."""
        credential = self.cleaned_data["credential"]
        if not isinstance(credential, dict):
            raise forms.ValidationError(
                _("The key was not added: your browser did not confirm it."), code="invalid_key"
            )
        return credential

    def clean(self) -> dict:
        """allauth turns a malformed answer from the browser into a form error only for some
        malformations (a ``TypeError``); fido2 raises ``ValueError``, ``KeyError`` and others
        for the rest. Each is "the key was not added", never a 500."""
        try:
            return super().clean()
        except (ValueError, KeyError, AttributeError) as exc:
            if isinstance(exc, forms.ValidationError):
                raise
            raise forms.ValidationError(
                _("The key was not added: your browser did not confirm it."), code="invalid_key"
            ) from exc


class EditSecurityKeyForm(EditWebAuthnForm):
    name = forms.CharField(
        label=gettext_lazy("Name of the key"), max_length=KEY_NAME_MAX_LENGTH, strip=True
    )
