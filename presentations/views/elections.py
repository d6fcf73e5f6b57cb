from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from groups import selectors as group_selectors
from presentations import selectors, services
from presentations.enums import ElectionPhase
from presentations.forms import ElectionForm, MemberChoiceForm, VoteForm
from presentations.services import PresentationError
from presentations.services import elections as election_services
from presentations.views.slots import run_action


@login_required
@require_http_methods(["GET", "POST"])
def election_create(request, slug: str):
    group, membership = group_selectors.get_group_for_manager(request.user, slug)
    if membership is None:
        raise Http404("No such page.")
    form = ElectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            election = services.open_election(actor=request.user, group=group, **form.cleaned_data)
        except PresentationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The election is open for nominations.")
            return redirect(election)
    return render(
        request,
        "presentations/election_form.html",
        {"group": group, "form": form, "elections": list(selectors.elections_of(group)[:10])},
    )


@login_required
def election_detail(request, pk: int):
    election, membership = selectors.get_election_for_member(request.user, pk)
    nominations = selectors.nominations_of(election)
    electorate = list(election_services.electorate(election))
    nominated = {n.nominee_id for n in nominations}
    return render(
        request,
        "presentations/election.html",
        {
            "election": election,
            "group": election.group,
            "membership": membership,
            "phase": election.phase(),
            "phases": ElectionPhase,
            "nominations": nominations,
            "nominate_form": MemberChoiceForm(members=electorate, exclude=nominated),
            "eligible": election_services.in_electorate(election, membership),
            "vote_form": VoteForm(nominations=nominations),
            "has_voted": selectors.has_voted(request.user, election),
        },
    )


@login_required
@require_POST
def nominate(request, pk: int):
    election, _membership = selectors.get_election_for_member(request.user, pk)
    members = list(group_selectors.members_of(election.group))
    form = MemberChoiceForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, "You can only nominate a member of the group.")
        return redirect(election)
    return run_action(
        request,
        election,
        lambda: services.nominate(
            user=request.user, election=election, nominee_id=form.cleaned_data["user"]
        ),
        "The nomination is recorded.",
    )


@login_required
@require_POST
def vote(request, pk: int):
    election, _membership = selectors.get_election_for_member(request.user, pk)
    form = VoteForm(request.POST, nominations=selectors.nominations_of(election))
    if not form.is_valid():
        messages.error(request, "Choose one of the nominees.")
        return redirect(election)
    return run_action(
        request,
        election,
        lambda: services.cast_vote(
            user=request.user, election=election, nomination_id=form.cleaned_data["nomination"]
        ),
        "Your vote is cast. It is secret: nobody can see how you voted.",
    )


@login_required
@require_POST
def close(request, pk: int):
    election, membership = selectors.get_election_for_member(request.user, pk)
    if not membership.manages:
        raise Http404("No such page.")
    return run_action(
        request,
        election,
        lambda: services.close_election(election=election),
        "The votes are counted.",
    )
