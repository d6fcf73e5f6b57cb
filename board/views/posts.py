"""One's own posts (edit, delete) and reporting a colleague's post to the organizers. The URL
names the kind of post (``topic`` or ``reply``); the loader finds it in the group's board."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from board import selectors, services
from board.forms import ReplyForm, ReportForm, TopicForm
from config.errors import DomainError
from groups.access import permission_required
from members.services import record_confirmations


def _after(post):
    """Where to go once a post changed: its thread (a deleted topic's thread may be gone)."""
    if post.post_type == "reply":
        return redirect(f"{post.topic.get_absolute_url()}#reply-{post.pk}")
    return redirect(post.get_absolute_url())


def _form_for(post, data=None):
    if post.post_type == "topic":
        return TopicForm(data, initial={"title": post.title, "body": post.body})
    return ReplyForm(data, initial={"body": post.body})


@permission_required("board.change_post", selectors.post_for)
@require_http_methods(["GET", "POST"])
def edit(request, post, *, slug, post_type, pk):
    form = _form_for(post, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(
                actor=request.user, post=post, confirmed=form.confirmed_keys(), **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            record_confirmations(
                actor=request.user,
                summary=form.guard_summary(),
                what=f"board {post.post_type}",
                group=post.topic.group,
                obj=post,
            )
            messages.success(request, _("Your changes are saved."))
            return _after(post)
    context = {"group": post.topic.group, "post": post, "form": form}
    return render(request, "board/edit.html", context)


@permission_required("board.change_post", selectors.post_for)
@require_http_methods(["GET", "POST"])
def delete(request, post, *, slug, post_type, pk):
    """Confirm (GET), then delete (POST): the text is blanked, colleagues' replies stay."""
    if request.method == "POST":
        services.delete_post(actor=request.user, post=post)
        if post.post_type == "topic":
            messages.success(request, _("Your topic is deleted."))
            return redirect("board:index", slug=slug)
        messages.success(request, _("Your reply is deleted."))
        return _after(post)
    return render(request, "board/delete.html", {"group": post.topic.group, "post": post})


@permission_required("board.report", selectors.post_for)
@require_http_methods(["GET", "POST"])
def report(request, post, *, slug, post_type, pk):
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.report_post(
                actor=request.user,
                post=post,
                reason=form.cleaned_data["reason"],
                confirmed=form.confirmed_keys(),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            record_confirmations(
                actor=request.user,
                summary=form.guard_summary(),
                what="board report",
                group=post.topic.group,
                obj=made,
            )
            messages.success(request, _("Thank you. The group's organizers will look at it."))
            return _after(post)
    context = {"group": post.topic.group, "post": post, "form": form}
    return render(request, "board/report.html", context)
