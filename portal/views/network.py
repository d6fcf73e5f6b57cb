"""The referral finder: colleagues who share a group with me, and a way to write to them."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from config.pagecache import cached_member_page
from groups import selectors as group_selectors
from groups.access import permission_required
from members.filters import ColleagueFilter
from members.forms import ColleagueMessageForm
from portal import colleagues

PAGE_SIZE = 20


@cached_member_page
@login_required
@require_GET
def network(request):
    """My own referral network (colleagues who share a group with me): ``login_required``."""
    colleague_filter = ColleagueFilter(
        request.GET or None, queryset=colleagues.network_for(request.user)
    )
    invalid = colleague_filter.is_bound and not colleague_filter.form.is_valid()
    # Who is listed depends on my groups (config.pagecache keeps the page under their versions).
    request.page_groups = lambda: group_selectors.group_ids_of(request.user)  # read when kept
    results = colleague_filter.queryset.none() if invalid else colleague_filter.qs
    paginator = Paginator(colleagues.colleague_cards(results), PAGE_SIZE)
    page = colleagues.first_page_or_count(paginator, request.GET.get("page"))
    page.object_list = colleagues.attach_links(colleagues.attach_terms(list(page.object_list)))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/network.html",
        {
            "filter": colleague_filter,
            # Nothing chosen yet: the fields as crispy draws them, without crispy's cost; a
            # bound form (values, errors) is drawn by crispy in the template.
            "plain_fields": None
            if colleague_filter.is_bound
            else render_to_string(
                "members/includes/_colleague_filter_fields.html",
                {"form": colleague_filter.form, "vocabulary": colleagues.filter_vocabulary()},
            ),
            "invalid": invalid,
            "page": page,
            "result_count": paginator.count,
            "query_string": query.urlencode(),
            "has_filters": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("portal.message_colleague", colleagues.get_colleague_profile)
def contact(request, colleague, *, pk: int):
    """Write to a colleague: someone who shares a group with me (404 to anyone else)."""
    context = {"colleague": colleague, "sent": False, "limit_reached": False}
    if request.method == "GET" and request.GET.get("sent") == "1":
        return render(request, "members/contact.html", {**context, "sent": True})
    form = ColleagueMessageForm(
        request.POST if request.method == "POST" else None,
        # Greeting the colleague or signing with one's own name is not a client identifier.
        known_names=[colleague.display_name, str(request.user)],
    )
    if request.method == "POST" and form.is_valid():
        try:
            colleagues.send_colleague_message(
                sender=request.user,
                recipient_profile=colleague,
                message=form.cleaned_data["message"],
                guard_summary=form.guard_summary(),
            )
        except colleagues.ColleagueMessageLimitReached as exc:
            form.add_error(None, _("%(error)s Your text is still here.") % {"error": exc})
            context = {**context, "form": form, "limit_reached": True}
            return render(request, "members/contact.html", context, status=429)
        except ValidationError as exc:
            form.add_error("message", exc)
        else:
            return redirect(f"{reverse('members:contact', args=[colleague.pk])}?sent=1")
    return render(request, "members/contact.html", {**context, "form": form})
