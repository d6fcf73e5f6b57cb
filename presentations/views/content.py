"""A presentation's page: the case (members only) or the topic, and the recognition flag."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from config.guard import highlight
from presentations import selectors, services
from presentations.forms import CaseForm, DiscardDraftForm, TopicForm
from presentations.services import DeidentificationRequired, PresentationError
from presentations.services.base import case_ready_by
from presentations.services.cases import CASE_FIELDS


def _chosen_draft(request, drafts):
    """The author's draft to start from: ``?draft=`` on the page, the hidden field on save.
    Anything else (someone else's draft, garbage) is ignored."""
    value = (request.POST if request.method == "POST" else request.GET).get("draft", "")
    return next((d for d in drafts if str(d.pk) == value), None)


@login_required
@require_http_methods(["GET", "POST"])
def presentation_detail(request, pk: int):
    presentation, _membership, flagged = selectors.get_presentation_for_member(request.user, pk)
    is_presenter = presentation.presenter_id == request.user.pk
    context = {
        "presentation": presentation,
        "meeting": presentation.meeting,
        "group": presentation.meeting.group,
        "is_presenter": is_presenter,
        "flagged": flagged,
        "can_view_case": request.user.has_perm("presentations.view_case", presentation),
    }
    if not is_presenter:
        return render(request, "presentations/detail.html", context)
    drafts = list(selectors.drafts_of(request.user).filter(kind=presentation.segment.kind))
    from_draft = _chosen_draft(request, drafts)
    source = from_draft or presentation
    if presentation.is_case:
        initial = {field: getattr(source, field) for field in CASE_FIELDS}
        initial["case_help_wanted"] = source.case_help_wanted
        form = CaseForm(request.POST if request.method == "POST" else None, initial=initial)
        ready_by = case_ready_by(presentation.meeting)
        context["ready_by"] = ready_by
        context["ready_by_passed"] = ready_by <= timezone.now()
    else:
        initial = {
            "topic_title": source.topic_title,
            "topic_summary": source.topic_summary,
            "topic_links": "\n".join(source.topic_links),
        }
        form = TopicForm(request.POST if request.method == "POST" else None, initial=initial)
    context.update({"form": form, "drafts": drafts, "from_draft": from_draft})
    draft_id = from_draft.pk if from_draft else None
    if request.method == "POST" and form.is_valid():
        try:
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
        except DeidentificationRequired as exc:
            form.add_error(None, str(exc))
            context["findings"] = exc.findings
            context["confirmed"] = set(request.POST.getlist("confirm"))
            context["highlighted"] = [
                {
                    "label": label,
                    "parts": highlight(
                        form.cleaned_data.get(field, ""),
                        [f for f in exc.findings if f.field == field],
                    ),
                }
                for field, label in CASE_FIELDS.items()
                if any(f.field == field for f in exc.findings)
            ]
        except PresentationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Saved. Only members of the group can read it.")
            return redirect(presentation)
    return render(request, "presentations/detail.html", context)


@login_required
@require_POST
def flag_recognition(request, pk: int):
    presentation, _membership, _flagged = selectors.get_presentation_for_member(request.user, pk)
    try:
        services.flag_recognition(user=request.user, presentation_id=presentation.pk)
    except PresentationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "Thank you. The presenter is told that someone may know the client — not who. "
            "The case details are now hidden from you.",
        )
    return redirect(presentation.meeting)


# --- the author's drafts ---------------------------------------------------------------------------


@login_required
def drafts(request):
    return render(
        request, "presentations/drafts.html", {"drafts": list(selectors.drafts_of(request.user))}
    )


@login_required
def draft_detail(request, pk: int):
    draft = selectors.get_draft_for_author(request.user, pk)
    return render(request, "presentations/draft_detail.html", {"draft": draft})


@login_required
@require_http_methods(["GET", "POST"])
def discard_draft(request, pk: int):
    draft = selectors.get_draft_for_author(request.user, pk)
    form = DiscardDraftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.discard_draft(user=request.user, draft_id=draft.pk)
        except PresentationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The draft is discarded.")
        return redirect("presentations:drafts")
    return render(request, "presentations/draft_discard.html", {"draft": draft, "form": form})
