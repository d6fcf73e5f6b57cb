"""Elections for a group's leader: holding one, its page, nominating, voting, the count.

Members only, and like every members' page behind the ground-rules gate. Who may do what is
the rule each view declares (``presentations/rules.py``); the service asks the same rule.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groups import selectors as group_selectors
from groups.access import permission_required
from groups.selectors import group_for
from presentations import selectors, services
from presentations.enums import ElectionPhase
from presentations.forms import ElectionForm, MemberChoiceForm, VoteForm
from presentations.selectors import election_for
from presentations.services import PresentationError
from presentations.views import run_action


@permission_required("presentations.hold_election", group_for)
@require_http_methods(["GET", "POST"])
def election_create(request, group, *, slug: str):
    form = ElectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            election = services.open_election(actor=request.user, group=group, **form.cleaned_data)
        except PresentationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The election is open for nominations."))
            return redirect(election)
    return render(
        request,
        "presentations/election_form.html",
        {"group": group, "form": form, "elections": list(selectors.elections_of(group)[:10])},
    )


@permission_required("presentations.view_election", election_for)
def election_detail(request, election, *, pk: int):
    nominations = selectors.nominations_of(election)
    nominated = {n.nominee_id for n in nominations}
    electorate = list(selectors.electorate(election))
    return render(
        request,
        "presentations/election.html",
        {
            "election": election,
            "group": election.group,
            "phase": election.phase(),
            "phases": ElectionPhase,
            "nominations": nominations,
            "nominate_form": MemberChoiceForm(members=electorate, exclude=nominated),
            "eligible": selectors.in_electorate(election, election.viewer_membership),
            "vote_form": VoteForm(nominations=nominations),
            "has_voted": selectors.has_voted(request.user, election),
        },
    )


@permission_required("presentations.nominate", election_for)
@require_POST
def nominate(request, election, *, pk: int):
    members = list(group_selectors.members_of(election.group))
    form = MemberChoiceForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, _("You can only nominate a member of the group."))
        return redirect(election)
    return run_action(
        request,
        election,
        lambda: services.nominate(
            user=request.user, election=election, nominee_id=form.cleaned_data["user"]
        ),
        _("The nomination is recorded."),
    )


@permission_required("presentations.vote", election_for)
@require_POST
def vote(request, election, *, pk: int):
    form = VoteForm(request.POST, nominations=selectors.nominations_of(election))
    if not form.is_valid():
        messages.error(request, _("Choose one of the nominees."))
        return redirect(election)
    return run_action(
        request,
        election,
        lambda: services.cast_vote(
            user=request.user, election=election, nomination_id=form.cleaned_data["nomination"]
        ),
        _("Your vote is cast. It is secret: nobody can see how you voted."),
    )


@permission_required("presentations.close_election", election_for)
@require_POST
def close(request, election, *, pk: int):
    return run_action(
        request,
        election,
        lambda: services.close_election(actor=request.user, election=election),
        _("The votes are counted."),
    )
