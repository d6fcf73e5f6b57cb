"""A presentation's page: the case (members only) or the topic, and the recognition flag; the
author's own drafts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config import access, pagecache
from config.guard import highlight
from config.pagecache import cached_member_page
from groups.access import permission_required
from presentations import selectors, services
from presentations.forms import DiscardDraftForm, content_form
from presentations.selectors import presentation_for
from presentations.services import DeidentificationRequired, PresentationError
from presentations.services.cases import CASE_FIELDS
from presentations.signup import case_ready_by
from presentations.views import run_action


def _chosen_draft(request, drafts):
    """The author's draft to start from: ``?draft=`` on the page, the hidden field on save.
    Anything else (someone else's draft, garbage) is ignored."""
    value = (request.POST if request.method == "POST" else request.GET).get("draft", "")
    return next((d for d in drafts if str(d.pk) == value), None)


@cached_member_page
@permission_required("presentations.view_presentation", presentation_for)
@require_http_methods(["GET", "POST"])
def presentation_detail(request, presentation, *, pk: int):
    """Members read the case (``presentations.view_case``) or the topic; the presenter writes
    it here (``presentations.change_presentation``)."""
    # Case material never goes into the cache in clear (it may be written to disk): a case page
    # is kept sealed (config.pagecache).
    request.page_keep = pagecache.SEALED if presentation.is_case else True
    context = {
        "presentation": presentation,
        "meeting": presentation.meeting,
        "group": presentation.meeting.group,
        "is_presenter": False,
        "flagged": presentation.flagged_by_me,
        "can_view_case": access.allowed(request.user, "presentations.view_case", presentation),
    }
    if not access.allowed(request.user, "presentations.change_presentation", presentation):
        return render(request, "presentations/detail.html", context)
    return _presenter_page(request, presentation, context)


def _presenter_page(request, presentation, context):
    drafts = list(selectors.drafts_of(request.user).filter(kind=presentation.segment.kind))
    from_draft = _chosen_draft(request, drafts)
    data = request.POST if request.method == "POST" else None
    form = content_form(presentation, source=from_draft or presentation, data=data)
    context.update(is_presenter=True, form=form, drafts=drafts, from_draft=from_draft)
    if presentation.is_case:
        context["ready_by"] = case_ready_by(presentation.meeting)
        context["ready_by_passed"] = context["ready_by"] <= timezone.now()
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, presentation, form, draft_id=from_draft.pk if from_draft else None)
        except DeidentificationRequired as exc:
            form.add_error(None, str(exc))
            context.update(_findings(request, form, exc))
        except PresentationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved. Only members of the group can read it."))
            return redirect(presentation)
    return render(request, "presentations/detail.html", context)


def _save(request, presentation, form, *, draft_id: int | None) -> None:
    if presentation.is_case:
        services.save_case(
            user=request.user,
            presentation_id=presentation.pk,
            data=form.cleaned_data,
            confirmed=set(request.POST.getlist("confirm")),
            draft_id=draft_id,
        )
    else:
        services.save_topic(
            user=request.user,
            presentation_id=presentation.pk,
            title=form.cleaned_data["topic_title"],
            summary=form.cleaned_data["topic_summary"],
            links=form.cleaned_data["topic_links"],
            confirmed={f.key for f in form.guard_confirmed},
            draft_id=draft_id,
        )


def _findings(request, form, exc: DeidentificationRequired) -> dict:
    """What the page shows when the guard found possible identifiers: each finding, the ones
    already confirmed, and the case's fields with the findings highlighted."""
    return {
        "findings": exc.findings,
        "confirmed": set(request.POST.getlist("confirm")),
        "highlighted": [
            {
                "label": label,
                "parts": highlight(
                    form.cleaned_data.get(field, ""),
                    [f for f in exc.findings if f.field == field],
                ),
            }
            for field, label in CASE_FIELDS.items()
            if any(f.field == field for f in exc.findings)
        ],
    }


@permission_required("presentations.flag_case", presentation_for)
@require_POST
def flag_recognition(request, presentation, *, pk: int):
    """“I may know this client”, from the meeting page: back there either way."""
    return run_action(
        request,
        presentation.meeting,
        lambda: services.flag_recognition(user=request.user, presentation_id=presentation.pk),
        _(
            "Thank you. The presenter is told that someone may know the client — not who. "
            "The case details are now hidden from you."
        ),
    )


# --- the author's drafts ---------------------------------------------------------------------------
# Pages about the signed-in person's own drafts, with no group object: ``login_required``, and
# the selectors see only the author's own (404 for anyone else's, as for one that is gone).


@login_required
def drafts(request):
    """The signed-in member's own drafts (``login_required``: about themselves)."""
    return render(
        request, "presentations/drafts.html", {"drafts": list(selectors.drafts_of(request.user))}
    )


@login_required
def draft_detail(request, pk: int):
    """One of the signed-in member's own drafts (``login_required``: about themselves)."""
    draft = selectors.get_draft_for_author(request.user, pk)
    return render(request, "presentations/draft_detail.html", {"draft": draft})


@login_required
@require_http_methods(["GET", "POST"])
def discard_draft(request, pk: int):
    """Throw one of one's own drafts away (``login_required``: about themselves). Back to the
    list of drafts either way: the draft's own page is gone once it is discarded."""
    draft = selectors.get_draft_for_author(request.user, pk)
    form = DiscardDraftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.discard_draft(user=request.user, draft_id=draft.pk)
        except PresentationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The draft is discarded."))
        return redirect("presentations:drafts")
    return render(request, "presentations/draft_discard.html", {"draft": draft, "form": form})
