"""The organizers' moderation: pin, close, hide or show again a topic or reply, and dismiss
reports. Hiding a colleague's post asks for a confirmation first (they are told by e-mail)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from board import selectors, services
from board.enums import TOPIC_ONLY_ACTIONS, ModerationAction
from groups.access import permission_required

DONE = {
    ModerationAction.PIN: _("The topic is pinned to the top of the board."),
    ModerationAction.UNPIN: _("The topic is no longer pinned."),
    ModerationAction.LOCK: _("The topic is closed to replies."),
    ModerationAction.UNLOCK: _("The topic is open to replies again."),
    ModerationAction.HIDE: _("The post is hidden from the members."),
    ModerationAction.UNHIDE: _("The post is visible to the members again."),
}


def _act(actor, post, action: str) -> None:
    if action in (ModerationAction.PIN, ModerationAction.UNPIN):
        services.pin_topic(actor=actor, topic=post, pinned=action == ModerationAction.PIN)
    elif action in (ModerationAction.LOCK, ModerationAction.UNLOCK):
        services.lock_topic(actor=actor, topic=post, locked=action == ModerationAction.LOCK)
    elif action == ModerationAction.HIDE:
        services.hide_post(actor=actor, post=post)
    else:
        services.unhide_post(actor=actor, post=post)


def _actions(post) -> list[str]:
    if post.post_type == "topic":
        return list(ModerationAction.values)
    return [a for a in ModerationAction.values if a not in TOPIC_ONLY_ACTIONS]


@permission_required("board.moderate", selectors.post_for)
@require_http_methods(["GET", "POST"])
def moderate(request, post, *, slug, post_type, pk):
    """GET: what can be done with the post. POST ``action``: do it; hiding a colleague's
    post shows the confirmation first (POST again with ``confirmed``)."""
    action = request.POST.get("action", "")
    if request.method == "POST" and action in _actions(post):
        needs_confirmation = action == ModerationAction.HIDE and post.author_id not in (
            None,
            request.user.pk,
        )
        if not needs_confirmation or request.POST.get("confirmed") == "yes":
            _act(request.user, post, action)
            messages.success(request, DONE[action])
            return redirect(f"{post.topic.get_absolute_url()}#{post.post_type}-{post.pk}")
        return render(request, "board/hide_confirm.html", {"group": post.topic.group, "post": post})
    context = {"group": post.topic.group, "post": post, "actions": _actions(post)}
    return render(request, "board/moderate.html", context)


@permission_required("board.moderate", selectors.report_for)
@require_POST
def resolve_report(request, report, *, slug, pk):
    services.resolve_report(actor=request.user, report=report)
    messages.success(request, gettext("The report is dismissed."))
    return redirect(f"{selectors.board_url(report.group)}#reports")
