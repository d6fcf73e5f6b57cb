"""The referral finder: colleagues who share a group with me, and a way to write to them."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods

from members.filters import ColleagueFilter
from members.forms import ColleagueMessageForm
from members.services import record_confirmations
from portal import colleagues

PAGE_SIZE = 20


@login_required
@require_GET
def network(request):
    colleague_filter = ColleagueFilter(
        request.GET or None, queryset=colleagues.network_for(request.user)
    )
    invalid = colleague_filter.is_bound and not colleague_filter.form.is_valid()
    results = colleague_filter.queryset.none() if invalid else colleague_filter.qs
    paginator = Paginator(results, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/network.html",
        {
            "filter": colleague_filter,
            "invalid": invalid,
            "page": page,
            "result_count": paginator.count,
            "query_string": query.urlencode(),
            "has_filters": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact(request, pk: int):
    colleague = colleagues.get_colleague_profile(request.user, pk)
    context = {"colleague": colleague, "sent": False, "limit_reached": False}
    if request.method == "GET" and request.GET.get("sent") == "1":
        return render(request, "members/contact.html", {**context, "sent": True})
    form = ColleagueMessageForm(
        request.POST if request.method == "POST" else None,
        # Greeting the colleague or signing with one's own name is not a client identifier.
        known_names=[colleague.display_name, str(request.user)],
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            colleagues.send_colleague_message(
                sender=request.user,
                recipient_profile=colleague,
                message=form.cleaned_data["message"],
            )
        except colleagues.ColleagueMessageLimitReached as exc:
            retry_at = date_format(timezone.localtime(exc.retry_at), "TIME_FORMAT")
            form.add_error(
                None,
                f"You have sent {colleagues.COLLEAGUE_MESSAGE_LIMIT} messages in the last hour, "
                "which is as many as PeerCircle sends for one person, so that inboxes stay "
                f"calm. Your message has not been sent. Please try again after {retry_at}; "
                "your text is still here.",
            )
            context["limit_reached"] = True
            status = 429
        except ValidationError as exc:
            form.add_error("message", exc)
        else:
            record_confirmations(
                actor=request.user, summary=form.guard_summary(), what="colleague message"
            )
            return redirect(f"{reverse('members:contact', args=[colleague.pk])}?sent=1")
    return render(request, "members/contact.html", {**context, "form": form}, status=status)
