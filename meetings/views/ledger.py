"""The consultation-hours ledger, attendance certificates, and their public verification.

The ledger and certificates are about the signed-in person themselves, with no group object to
ask a rule about: ``login_required``, and every read is of their own records. Verification is
public on purpose: anyone a certificate is shown to checks its code.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from meetings import certificates, ledger
from meetings.forms import CertificateForm
from members.timezones import use_page_zone

PDF = "application/pdf"


def _ledger_page(request, form: CertificateForm):
    return render(
        request,
        "meetings/ledger.html",
        {
            "ledger": ledger.ledger_for_user(request.user),
            "chart": ledger.chart_geometry(),
            "form": form,
            "certificates": list(ledger.certificates_for_user(request.user)[:50]),
        },
    )


def _add_errors(form: CertificateForm, exc: ValidationError) -> None:
    """The service's errors on the form's fields; any other (a model field) for the whole form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_GET
def hours(request):
    """The signed-in person's own hours (``login_required``: about them)."""
    form = CertificateForm(groups=ledger.groups_with_attendance(request.user))
    return _ledger_page(request, form)


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
    error = "Enter the code printed on the certificate." if typed is not None else ""
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
    return _public(render(request, "meetings/verify.html", {"certificate": certificate}))
