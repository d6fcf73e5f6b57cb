"""The group's consultation requests: the list, asking, one request with its thread, replying
and editing one's own reply. Every text passes the de-identification guard (config/guard.py)
in the form and again in the service; confirmations are recorded without the text."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import DomainError
from consultations import selectors, services
from consultations.forms import ReplyForm, RequestForm
from groups.access import permission_required
from groups.selectors import group_for
from members.services import record_confirmations

PAGE_SIZE = 20
DETAIL = "consultations/detail.html"


def _confirmed(form) -> set[str]:
    """The findings the person confirmed in the form, for the service's own check."""
    return {finding.key for finding in form.guard_confirmed}


@permission_required("consultations.view_requests", group_for)
@require_GET
def request_list(request, group, *, slug):
    page = Paginator(selectors.requests_in(group), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/list.html", {"group": group, "page": page})


@permission_required("consultations.ask", group_for)
@require_http_methods(["GET", "POST"])
def request_new(request, group, *, slug):
    form = RequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # The form checked what the service checks; a refusal now is the middleware's to show.
        consultation = services.ask_for_consultation(
            actor=request.user, group=group, confirmed=_confirmed(form), **form.cleaned_data
        )
        record_confirmations(
            actor=request.user,
            summary=form.guard_summary(),
            what="consultation request",
            group=group,
            obj=consultation,
        )
        messages.success(
            request,
            _(
                "Your request is with the group. Colleagues are told you asked, never what: "
                "they read it here."
            ),
        )
        return redirect(consultation)
    return render(request, "consultations/new.html", {"group": group, "form": form})


def _detail(request, consultation, form):
    replies = selectors.replies_of(consultation)
    thanks = selectors.thanks_of(consultation)
    context = {
        "consultation": consultation,
        "group": consultation.group,
        "replies": replies,
        "thanks": thanks,
        # One sentence names everyone thanked ("Dana thanked Sam, Lee for their help").
        "thanked_names": ", ".join(str(item.member) for item in thanks),
        "form": form,
    }
    return render(request, DETAIL, context)


@permission_required("consultations.view_requests", selectors.request_for)
@require_GET
def request_detail(request, consultation, *, slug, pk):
    return _detail(request, consultation, ReplyForm())


@permission_required("consultations.reply", selectors.request_for)
@require_POST
def reply(request, consultation, *, slug, pk):
    """Post a reply; a refused or invalid one is shown again on the request's page."""
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            posted = services.reply_to_request(
                actor=request.user,
                request_id=consultation.pk,
                body=form.cleaned_data["body"],
                confirmed=_confirmed(form),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            record_confirmations(
                actor=request.user,
                summary=form.guard_summary(),
                what="consultation reply",
                group=consultation.group,
                obj=posted,
            )
            messages.success(request, _("Thank you: your reply is posted."))
            return redirect(f"{consultation.get_absolute_url()}#reply-{posted.pk}")
    return _detail(request, consultation, form)


@permission_required("consultations.change_reply", selectors.reply_for)
@require_http_methods(["GET", "POST"])
def edit_reply(request, answer, *, slug, pk, reply_id):
    """The colleague who wrote a reply changes it (``consultations.change_reply``)."""
    consultation = answer.request
    data = request.POST if request.method == "POST" else None
    form = ReplyForm(data, initial={"body": answer.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_reply(
                actor=request.user,
                reply_id=answer.pk,
                body=form.cleaned_data["body"],
                confirmed=_confirmed(form),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            record_confirmations(
                actor=request.user,
                summary=form.guard_summary(),
                what="consultation reply",
                group=consultation.group,
                obj=answer,
            )
            messages.success(request, _("Your reply is updated."))
            return redirect(f"{consultation.get_absolute_url()}#reply-{answer.pk}")
    context = {"consultation": consultation, "group": consultation.group, "answer": answer}
    return render(request, "consultations/edit_reply.html", {**context, "form": form})
