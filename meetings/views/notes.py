"""Meeting notes and action items (``meetings/notes.py``).

Every member reads a meeting's notes; its facilitator and the group's organizers write them and
its action items; the person an item is given to, or an organizer, marks it done. Each page
loads its meeting or item through a user-scoped selector (404 to outsiders and former members)
and asks its rule of ``meetings/rules.py`` (``groups.access.permission_required``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import DomainError
from config.redirects import safe_next
from groups import selectors as group_selectors
from groups.access import permission_required
from meetings import notes as notes_service
from meetings import selectors
from meetings.forms import ActionItemForm, ConfirmRemovalForm, NotesForm
from members.services import record_confirmations


def _post(request):
    return request.POST if request.method == "POST" else None


def _notes_url(meeting_id: int) -> str:
    return reverse("meetings:notes", args=[meeting_id])


def _attempt(form, action):
    """Run a service; a refusal is shown on the form, beside the field it concerns."""
    try:
        return action()
    except ValidationError as exc:
        form.add_error(None, exc)
    except DomainError as exc:
        form.add_error(None, str(exc))
    return None


@permission_required("meetings.view_notes", selectors.meeting_for)
def notes(request, meeting, *, pk: int):
    """The meeting's notes and action items, for every member of its group."""
    return render(
        request,
        "meetings/notes.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "notes": notes_service.notes_of(meeting),
            "items": notes_service.action_items_of(meeting),
        },
    )


def _save_notes(request, meeting, form):
    """Save; if someone saved meanwhile, the form keeps what was typed, beside what they saved."""

    def save():
        try:
            return notes_service.save_notes(
                actor=request.user, meeting=meeting, **form.service_data()
            )
        except notes_service.NotesConflict:
            form.catch_up(notes_service.notes_of(meeting))
            raise

    saved = _attempt(form, save)
    if saved is None:
        return None
    record_confirmations(
        actor=request.user, summary=form.guard_summary(), what="meeting notes", obj=meeting
    )
    messages.success(request, _("The notes are saved. Every member of the group can read them."))
    return redirect(_notes_url(meeting.pk))


def _add_item(request, meeting, form):
    item = _attempt(
        form,
        lambda: notes_service.add_action_item(
            actor=request.user, meeting=meeting, **form.service_data()
        ),
    )
    if item is None:
        return None
    record_confirmations(
        actor=request.user, summary=form.guard_summary(), what="action item", obj=item
    )
    messages.success(request, _("The action item is given to %(name)s.") % {"name": item.owner})
    return redirect(reverse("meetings:notes_edit", args=[meeting.pk]) + "#action-items")


@permission_required("meetings.write_notes", selectors.meeting_for)
@require_http_methods(["GET", "POST"])
def notes_edit(request, meeting, *, pk: int):
    """Two forms on one page: the notes, and a new action item (``part=item``)."""
    current = notes_service.notes_of(meeting)
    adding = request.method == "POST" and request.POST.get("part") == "item"
    form = NotesForm(None if adding else _post(request), notes=current, group=meeting.group)
    item_form = ActionItemForm(
        request.POST if adding else None,
        members=list(group_selectors.members_of(meeting.group)),
        prefix="item",
    )
    posted = item_form if adding else form
    if request.method == "POST" and posted.is_valid():
        done = (_add_item if adding else _save_notes)(request, meeting, posted)
        if done is not None:
            return done
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "notes": current,
        "form": form,
        "saved_meanwhile": form.saved_meanwhile,  # after a conflict: what is saved now
        "item_form": item_form,
        "items": notes_service.action_items_of(meeting),
    }
    return render(request, "meetings/notes_edit.html", context)


@permission_required("meetings.mark_action_item", notes_service.action_item_for)
@require_POST
def action_item_done(request, item, *, pk: int):
    """Done, or not done after all (``done=1`` / ``done=0``; without it, the other way round).
    A refusal of the service is told on the page the person came from (the middleware)."""
    done = request.POST.get("done", "0" if item.is_done else "1") == "1"
    notes_service.set_action_item_done(actor=request.user, item=item, done=done)
    messages.success(
        request, _("Marked as done. Thank you!") if done else _("Marked as not done yet.")
    )
    return redirect(safe_next(request, _notes_url(item.meeting_id)))


@permission_required("meetings.change_action_item", notes_service.action_item_for)
@require_http_methods(["GET", "POST"])
def action_item_edit(request, item, *, pk: int):
    """Change what, who or when; where an item lost its owner, give it to someone else."""
    members = list(group_selectors.members_of(item.meeting.group))
    form = ActionItemForm(_post(request), members=members, item=item)
    if request.method == "POST" and form.is_valid():
        updated = _attempt(
            form,
            lambda: notes_service.update_action_item(
                actor=request.user, item=item, **form.service_data()
            ),
        )
        if updated is not None:
            record_confirmations(
                actor=request.user, summary=form.guard_summary(), what="action item", obj=item
            )
            messages.success(request, _("The action item is updated."))
            return redirect(_notes_url(item.meeting_id))
    return render(
        request,
        "meetings/notes_item_edit.html",
        {"item": item, "meeting": item.meeting, "form": form},
    )


@permission_required("meetings.change_action_item", notes_service.action_item_for)
@require_http_methods(["GET", "POST"])
def action_item_delete(request, item, *, pk: int):
    form = ConfirmRemovalForm(_post(request))
    if request.method == "POST" and form.is_valid():
        notes_service.delete_action_item(actor=request.user, item=item)
        messages.success(request, _("The action item is removed."))
        return redirect(_notes_url(item.meeting_id))
    return render(
        request,
        "meetings/notes_item_delete.html",
        {"item": item, "meeting": item.meeting, "form": form},
    )


@login_required
def my_action_items(request):
    """The signed-in person's open action items in all their groups (``login_required``: about
    them, no group object), soonest due first."""
    return render(
        request,
        "meetings/notes_my_items.html",
        {"items": list(notes_service.open_action_items_for(request.user))},
    )
