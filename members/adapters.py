import ipaddress
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.services import create_profile


class AccountAdapter(DefaultAccountAdapter):
    """Every new account gets its therapist profile in the same transaction."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            create_profile(
                user=user,
                display_name=form.cleaned_data.get("display_name", ""),
                time_zone=form.cleaned_data.get("time_zone") or "America/New_York",
            )
        return user

    def send_mail(self, template_prefix, email, context):
        """allauth's account e-mails name PeerCircle and its address, not the placeholder
        ``Site`` ("example.com") of django.contrib.sites."""
        site_url = settings.SITE_URL.rstrip("/")
        site = SimpleNamespace(name="PeerCircle", domain=urlsplit(site_url).netloc)
        extra = {
            "current_site": site,
            "site_url": site_url,
            "forgot_password_url": site_url + reverse("account_reset_password"),
        }
        return super().send_mail(template_prefix, email, {**context, **extra})

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The "key" of ``ACCOUNT_RATE_LIMITS["login_failed"]``: the account *and* the client
        address (IPv6 by its /64, behind ``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies the forwarded
        address). Wrong passwords typed by a stranger elsewhere then never lock the therapist
        out; guessing from one address is stopped after five. See docs/security.md."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}@{self._client_network(request)}"

    def _client_network(self, request) -> str:
        address = self.get_client_ip(request) or ""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return address
        if ip.version == 6:  # one home or host gets a whole /64
            return str(ipaddress.IPv6Network(f"{ip}/64", strict=False).network_address)
        return str(ip)


class MFAAdapter(DefaultMFAAdapter):
    """Two-step sign-in: named PeerCircle (the authenticator app reads ``MFA_TOTP_ISSUER``, a
    security key the site name); site admins keep theirs."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Site admins must keep two-step sign-in on. To move it to a new phone, ask another "
            "site admin to remove the old authenticator in the admin, then set it up again."
        ),
        "incorrect_code": _(
            "That code is not right. Check the six digits in your app and try again."
        ),
    }

    def _get_site_name(self) -> str:
        return "PeerCircle"

    def can_delete_authenticator(self, authenticator) -> bool:
        """A site admin cannot turn the app off (two steps are required for them). Everyone
        else may."""
        user = authenticator.user
        if authenticator.type == authenticator.Type.TOTP and (user.is_staff or user.is_superuser):
            return False
        return super().can_delete_authenticator(authenticator)
