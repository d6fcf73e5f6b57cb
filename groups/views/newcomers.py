"""Offering (or no longer offering) to be a newcomer's buddy. The welcome page itself composes
the meetings too, so it lives in portal/views/welcome.py."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import selectors, services
from groups.access import permission_required
from groups.forms import BuddyForm


@permission_required("groups.volunteer_as_buddy", selectors.group_for)
@require_POST
def buddy(request, group, *, slug):
    form = BuddyForm(request.POST)
    form.is_valid()  # a checkbox: anything but "on" is "no"
    willing = form.cleaned_data.get("willing", False)
    membership = services.set_buddy_volunteer(user=request.user, group=group, willing=willing)
    looking_after = selectors.newcomers_of(membership)
    if willing and looking_after:
        names = ", ".join(str(m.user) for m in looking_after)
        messages.success(
            request, _("Thank you. You are now the buddy of %(names)s.") % {"names": names}
        )
    elif willing:
        messages.success(request, _("Thank you. You will be paired with the next newcomer."))
    else:
        messages.success(request, _("You are no longer offering to be a buddy."))
    return redirect("groups:welcome", slug=group.slug)
