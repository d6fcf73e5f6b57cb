"""The consultation-hours ledger, attendance certificates, and their public verification.

The ledger and certificates are about the signed-in person themselves, with no group object to
ask a rule about: ``login_required``, and every read is of their own records. Verification is
public on purpose: anyone a certificate is shown to checks its code.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.pagecache import cached_member_page
from config.uploads import file_response
from meetings import certificates, ledger, outside_hours
from meetings.forms import CertificateForm, OutsideHoursForm, RenewalPlanForm
from meetings.models import RenewalPlan
from members.timezones import use_page_zone

PDF = "application/pdf"
ENTRIES_SHOWN = 100


def _ledger_page(
    request, form: CertificateForm | None = None, log_form: OutsideHoursForm | None = None
):
    """The hours page; without ``form``, an empty certificate form offering the ledger's groups."""
    plan = RenewalPlan.objects.filter(user=request.user).first()
    hours_ledger = ledger.ledger_for_user(request.user)
    # The groups whose meetings it counts (config.pagecache keeps the page under their versions).
    request.page_groups = [tally.key for tally in hours_ledger.by_group]
    context = {
        "ledger": hours_ledger,
        "chart": ledger.chart_geometry(),
        "form": form or CertificateForm(groups=ledger.groups_in(hours_ledger)),
        "log_form": log_form or OutsideHoursForm(),
        "entries": list(outside_hours.entries_of(request.user)[:ENTRIES_SHOWN]),
        "plan": plan,
        "progress": outside_hours.renewal_progress(request.user, plan=plan) if plan else [],
        "certificates": list(ledger.certificates_for_user(request.user)[:50]),
    }
    return render(request, "meetings/ledger.html", context)


def _add_errors(form: CertificateForm | OutsideHoursForm, exc: ValidationError) -> None:
    """The service's errors on the form's fields; any other (a model field) for the whole form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@cached_member_page
@login_required
@require_GET
def hours(request):
    """The signed-in person's own hours (``login_required``: about them)."""
    return _ledger_page(request)


@login_required
@require_POST
def certificate_new(request):
    """A certificate of the signed-in person's own attendance (``login_required``)."""
    form = CertificateForm(request.POST, groups=ledger.groups_with_attendance(request.user))
    if form.is_valid():
        try:
            certificate = certificates.issue_certificate(
                user=request.user,
                group=form.cleaned_data["group"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("meetings:certificate_pdf", code=certificate.code)
    return _ledger_page(request, form)


@login_required
@require_GET
def certificate_pdf(request, code: str):
    """One of the signed-in person's own certificates; anyone else's is a 404."""
    certificate = ledger.get_certificate_for_owner(request.user, code)
    response = HttpResponse(certificates.render_certificate_pdf(certificate), content_type=PDF)
    response["Content-Disposition"] = (
        f'attachment; filename="peercircle-certificate-{certificate.code}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def verify_lookup(request):
    """Public: a box to type a code into; a code given sends the reader to its page."""
    typed = request.GET.get("code")
    code = ledger.normalize_code(typed or "")
    if code:
        return redirect("meetings:verify", code=code)
    error = _("Enter the code printed on the certificate.") if typed is not None else ""
    return _public(
        render(
            request,
            "meetings/verify.html",
            {"certificate": None, "error": error},
        )
    )


@require_GET
@never_cache
def verify(request, code: str):
    """Public: what a certificate says and whether it still stands."""
    certificate = ledger.find_certificate(code)
    if certificate is None:
        return _public(
            render(
                request,
                "meetings/verify_missing.html",
                {"code": ledger.normalize_code(code)[:32]},
                status=404,
            )
        )
    use_page_zone(certificate.group_time_zone)  # None once the group is gone: UTC, labelled
    return _public(
        render(
            request,
            "meetings/verify.html",
            {
                "certificate": certificate,
                "holder": certificates.shown_name(certificate.holder_name),
            },
        )
    )


@login_required
@require_POST
def hours_log(request):
    """Log hours from elsewhere (one's own record); a refused form is shown on the ledger page
    with the errors beside the fields."""
    log_form = OutsideHoursForm(request.POST, request.FILES)
    if log_form.is_valid():
        try:
            outside_hours.log_outside_hours(user=request.user, data=log_form.cleaned_data)
        except ValidationError as exc:
            _add_errors(log_form, exc)
        else:
            messages.success(request, _("Your hours are logged, marked as self-reported."))
            return redirect(f"{reverse('meetings:hours')}#elsewhere")
    return _ledger_page(request, log_form=log_form)


@login_required
@require_http_methods(["GET", "POST"])
def hours_remove(request, pk: int):
    """Confirm (GET), then remove (POST) one of one's own logged entries; anyone else's: 404."""
    entry = outside_hours.own_entry(request.user, pk)
    if request.method == "POST":
        outside_hours.remove_outside_hours(user=request.user, entry_id=entry.pk)
        messages.success(request, _("The entry is removed."))
        return redirect(f"{reverse('meetings:hours')}#elsewhere")
    return render(request, "meetings/hours_remove.html", {"entry": entry})


@login_required
@require_GET
def hours_certificate(request, pk: int):
    """The certificate attached to one of one's own logged entries; anyone else's (site admins
    included) is a 404. PDFs and pictures open in the browser; never cached on the way."""
    entry = outside_hours.own_certificate(request.user, pk)
    return file_response(
        request, entry.certificate, name=entry.certificate_name, content_type=entry.certificate_type
    )


@login_required
@require_http_methods(["GET", "POST"])
def renewal(request):
    """The member's licence renewal period and the hours it asks for."""
    plan = RenewalPlan.objects.filter(user=request.user).first()
    initial = {name: getattr(plan, name) for name in outside_hours.PLAN_FIELDS} if plan else None
    form = RenewalPlanForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        outside_hours.set_renewal_plan(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Your renewal period is saved: the hours page shows progress."))
        return redirect(f"{reverse('meetings:hours')}#renewal")
    return render(request, "meetings/renewal.html", {"form": form, "plan": plan})
