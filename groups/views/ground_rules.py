"""Versioned ground rules: members accept each new version before the members' pages open.

These two pages, and leaving the group, are the ones the ground-rules gate lets through
(``ground_rules=False``): they are how a member reads and accepts the new rules."""

import difflib

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.redirects import safe_next
from groups import selectors, services
from groups.access import permission_required
from groups.forms import AcceptRulesForm


@permission_required("groups.view_members_area", selectors.group_for, ground_rules=False)
@require_http_methods(["GET", "POST"])
def accept_rules(request, group, *, slug):
    latest = selectors.latest_rules(group)
    form = AcceptRulesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.accept_ground_rules(user=request.user, group=group, version_id=latest.pk)
        messages.success(request, _("Thank you. The group's pages are open to you again."))
        return redirect(safe_next(request, group.get_absolute_url()))
    previous = group.viewer_membership.rules_version
    return render(
        request,
        "groups/accept_rules.html",
        {
            "group": group,
            "latest": latest,
            "previous": previous,
            "diff": rules_diff_lines(previous.text if previous else "", latest.text),
            "form": form,
            "current": previous is not None and previous.pk == latest.pk,
        },
    )


def rules_diff_lines(old: str, new: str) -> list[dict]:
    """Line by line: what was removed, added or kept between two versions."""
    rows = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "? ":
            continue
        rows.append({"kind": {"- ": "removed", "+ ": "added"}.get(tag, "same"), "text": text})
    return rows


@permission_required("groups.view_members_area", selectors.group_for, ground_rules=False)
def rules_diff(request, group, *, slug):
    versions, old, new = selectors.rules_to_compare(
        group, new=request.GET.get("to"), old=request.GET.get("from")
    )
    return render(
        request,
        "groups/rules_diff.html",
        {
            "group": group,
            "versions": versions,
            "old": old,
            "new": new,
            "diff": rules_diff_lines(old.text, new.text),
        },
    )
