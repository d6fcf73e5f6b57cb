"""A presentation's page: the case (members only) or the topic, and the recognition flag."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from presentations import selectors, services
from presentations.forms import CaseForm, TopicForm
from presentations.services import DeidentificationRequired, PresentationError
from presentations.services.cases import CASE_FIELDS


def _highlight(text: str, findings) -> list[dict]:
    """Split text into plain and flagged parts, for highlighting without unsafe HTML."""
    parts, cursor = [], 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < cursor:
            continue
        if finding.start > cursor:
            parts.append({"text": text[cursor : finding.start], "finding": None})
        parts.append({"text": text[finding.start : finding.end], "finding": finding})
        cursor = finding.end
    if cursor < len(text):
        parts.append({"text": text[cursor:], "finding": None})
    return parts


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
    if presentation.is_case:
        initial = {field: getattr(presentation, field) for field in CASE_FIELDS}
        initial["case_help_wanted"] = presentation.case_help_wanted
        form = CaseForm(request.POST if request.method == "POST" else None, initial=initial)
    else:
        initial = {
            "topic_title": presentation.topic_title,
            "topic_summary": presentation.topic_summary,
            "topic_links": "\n".join(presentation.topic_links),
        }
        form = TopicForm(request.POST if request.method == "POST" else None, initial=initial)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            if presentation.is_case:
                services.save_case(
                    user=request.user,
                    presentation_id=presentation.pk,
                    data=form.cleaned_data,
                    confirmed=set(request.POST.getlist("confirm")),
                )
            else:
                services.save_topic(
                    user=request.user,
                    presentation_id=presentation.pk,
                    title=form.cleaned_data["topic_title"],
                    summary=form.cleaned_data["topic_summary"],
                    links=form.cleaned_data["topic_links"],
                )
        except DeidentificationRequired as exc:
            form.add_error(None, str(exc))
            context["findings"] = exc.findings
            context["confirmed"] = set(request.POST.getlist("confirm"))
            context["highlighted"] = [
                {
                    "label": label,
                    "parts": _highlight(
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
