"""The group's scheduling polls: the list, a new poll, one poll (answering, the results),
closing it, and turning the chosen time into a meeting or a series. Members only; the
organizers' actions by rule (``polls/rules.py``)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import DomainError
from config.pagecache import cached_member_page
from groups.access import permission_required
from groups.selectors import group_for
from meetings import recurrence
from members import dates
from members.services import record_confirmations
from polls import selectors, services
from polls.forms import AnswerForm, PollForm, ScheduleForm

PAGE_SIZE = 20


def _confirmed(form) -> set[str]:
    return {finding.key for finding in form.guard_confirmed}


@cached_member_page
@permission_required("polls.view_polls", group_for)
@require_GET
def poll_list(request, group, *, slug):
    polls = selectors.polls_in(group, request.user)
    page = Paginator(polls, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "polls/list.html", {"group": group, "page": page, "now": timezone.now()})


@permission_required("polls.add_poll", group_for)
@require_http_methods(["GET", "POST"])
def poll_new(request, group, *, slug):
    """``?first=1``: the group is new and the poll finds its first meeting's time."""
    first = request.GET.get("first") == "1"
    initial = {"title": _("Our first meeting")} if first else None
    form = PollForm(
        request.POST if request.method == "POST" else None, group=group, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.create_poll(
                actor=request.user, group=group, confirmed=_confirmed(form), **form.service_data()
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            record_confirmations(
                actor=request.user, summary=form.guard_summary(), what="poll", obj=poll
            )
            messages.success(
                request,
                _(
                    "The poll is open. Members are asked to answer; those who have not answered "
                    "are reminded a day before it closes."
                ),
            )
            return redirect(poll)
    return render(request, "polls/new.html", {"group": group, "form": form, "first": first})


def _detail(request, poll, form=None, status=200):
    results = selectors.results_of(poll, request.user)
    group_zone = poll.group.time_zone
    differs = timezone.get_current_timezone().key != group_zone
    for row in results.options:
        row.group_time = dates.when_short(row.option.starts_at, zone=group_zone) if differs else ""
    if form is None and poll.is_open():
        form = AnswerForm(options=[r.option for r in results.options], mine=results.mine)
    context = {"poll": poll, "group": poll.group, "results": results, "form": form}
    if poll.series is not None:
        context["repeats"] = recurrence.describe(poll.series.rule)
    return render(request, "polls/detail.html", context, status=status)


@permission_required("polls.view_polls", selectors.poll_for)
@require_GET
def poll_detail(request, poll, *, slug, pk):
    return _detail(request, poll)


@permission_required("polls.answer_poll", selectors.poll_for)
@require_POST
def poll_answer(request, poll, *, slug, pk):
    """Save the member's answers; a refused or incomplete form is shown again on the page."""
    options = list(poll.options.all())
    form = AnswerForm(request.POST, options=options)
    if form.is_valid():
        try:
            services.answer_poll(user=request.user, poll=poll, answers=form.answers())
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you: your answers are saved."))
            return redirect(poll)
    return _detail(request, poll, form)


@permission_required("polls.close_poll", selectors.poll_for)
@require_POST
def poll_close(request, poll, *, slug, pk):
    services.close_poll(poll=poll, actor=request.user)
    messages.success(request, _("The poll is closed. Choose the time to schedule it."))
    return redirect("polls:schedule", slug=slug, pk=pk)


@permission_required("polls.schedule_poll", selectors.poll_for)
@require_http_methods(["GET", "POST"])
def poll_schedule(request, poll, *, slug, pk):
    """The chosen time becomes one meeting or a series, in one step."""
    results = selectors.results_of(poll, request.user)
    data = request.POST if request.method == "POST" else None
    form = ScheduleForm(data, poll=poll, results=results)
    if request.method == "POST" and poll.scheduled_at is not None:
        form.is_valid()
        form.add_error(None, _("This poll's time is already scheduled."))
    elif request.method == "POST" and form.is_valid():
        try:
            poll = services.schedule_from_poll(
                actor=request.user,
                poll=poll,
                option_id=form.cleaned_data["option"],
                repeat=form.cleaned_data["repeat"],
                title=form.cleaned_data["title"],
                confirmed=_confirmed(form),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Scheduled: members are told the time and can RSVP."))
            return redirect(poll.meeting or poll)
    context = {"poll": poll, "group": poll.group, "results": results, "form": form}
    return render(request, "polls/schedule.html", context)
