"""Starting a group. Its page and its settings (which reach its meetings) are in portal/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
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
            messages.success(request, f"{group.name} is ready. Now propose a few times.")
            return redirect(f"{reverse('polls:new', args=[group.slug])}?first=1")
        messages.success(
            request,
            f"{group.name} is ready. Invite colleagues or schedule the first meeting.",
        )
        return redirect(group)
    return render(request, "groups/form.html", {"form": form, "creating": True})
