from allauth.account.adapter import DefaultAccountAdapter

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
