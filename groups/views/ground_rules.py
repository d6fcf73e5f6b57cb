"""Versioned ground rules: members accept each new version before the members' pages open."""

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from config.redirects import safe_next
from groups import selectors, services
from groups.forms import AcceptRulesForm


@login_required
@require_http_methods(["GET", "POST"])
def accept_rules(request, slug: str):
    group, membership = selectors.get_group_for_member(request.user, slug)
    latest = selectors.latest_rules(group)
    form = AcceptRulesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.accept_ground_rules(user=request.user, group=group, version_id=latest.pk)
        messages.success(request, "Thank you. The group's pages are open to you again.")
        return redirect(safe_next(request, group.get_absolute_url()))
    previous = membership.rules_version
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


@login_required
def rules_diff(request, slug: str):
    group, _membership = selectors.get_group_for_member(request.user, slug)
    versions = list(group.rules_versions.order_by("-number"))
    try:
        new_number = int(request.GET.get("to") or versions[0].number)
        old_number = int(request.GET.get("from") or max(new_number - 1, 1))
    except (ValueError, IndexError) as exc:
        raise Http404("No such version.") from exc
    by_number = {v.number: v for v in versions}
    if new_number not in by_number or old_number not in by_number:
        raise Http404("No such version.")
    return render(
        request,
        "groups/rules_diff.html",
        {
            "group": group,
            "versions": versions,
            "old": by_number[old_number],
            "new": by_number[new_number],
            "diff": rules_diff_lines(by_number[old_number].text, by_number[new_number].text),
        },
    )
