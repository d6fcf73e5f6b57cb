"""Starting a group. Its page and its settings (which reach its meetings) are in portal/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from groups import services
from groups.forms import GroupForm
from groups.services.groups import creator_time_zone


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request):
    """Anyone signed in may start a group (they become its organizer): no group yet, so no
    group's rule to ask, only ``login_required``."""
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        initial={"time_zone": creator_time_zone(request.user)},
        actor=request.user,
    )
    if request.method == "POST" and form.is_valid():
        group = services.create_group(actor=request.user, data=form.service_data())
        if form.cleaned_data.get("find_time"):
            messages.success(
                request, _("%(name)s is ready. Now propose a few times.") % {"name": group.name}
            )
            _say_the_time_zone(request, form, group)
            return redirect(f"{reverse('polls:new', args=[group.slug])}?first=1")
        messages.success(
            request,
            _("%(name)s is ready. Invite colleagues or schedule the first meeting.")
            % {"name": group.name},
        )
        _say_the_time_zone(request, form, group)
        return redirect(group)
    return render(request, "groups/form.html", {"form": form, "creating": True})


def _say_the_time_zone(request, form: GroupForm, group) -> None:
    """The new group's time zone, when its place decided it, or when the organizer chose
    another than its place's (a note, not a question: the edit page changes it)."""
    city = form.cleaned_data.get("city", "")
    if form.zone_from_place and group.time_zone == form.place_zone:
        messages.info(
            request,
            _(
                "Its meetings are scheduled in %(zone)s time, the time zone of %(city)s. You "
                "can change it on the group's edit page."
            )
            % {"zone": group.time_zone, "city": city},
        )
    elif form.place_zone and group.time_zone != form.place_zone:
        messages.info(
            request,
            _(
                "Its meetings are scheduled in %(zone)s time, as you chose, though %(city)s "
                "is in %(place_zone)s time. You can change it on the group's edit page."
            )
            % {"zone": group.time_zone, "city": city, "place_zone": form.place_zone},
        )
