"""Attendance certificates: issue a snapshot of a member's contact hours in one group, revoke it,
and render it as a PDF.

A certificate copies the facts as they stood when it was issued (name, credential, meetings,
hours), so later edits to a profile, a meeting or the attendance register never change what a
certificate says, and the public verification page never needs the live rows.
"""

import io
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from html import escape

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from config.access import check
from groups.models import Group
from meetings.enums import AttendanceStatus, MeetingStatus
from meetings.ledger import minutes_between
from meetings.models import Attendance, Certificate
from members import dates
from members.enums import CredentialType
from members.models import User
from members.services import record_audit

# --- issuing --------------------------------------------------------------------------------


def _profile(user: User):
    try:
        return user.profile
    except ObjectDoesNotExist:
        return None


def credential_abbreviation(credential_type: str) -> str:
    """“LCSW” from “LCSW (Licensed Clinical Social Worker)”; nothing for “Other”."""
    if not credential_type or credential_type == CredentialType.OTHER:
        return ""
    return CredentialType(credential_type).label.split(" (")[0]


def licence_line(profile) -> str:
    """“LCSW 12345 (Colorado)”: credential, licence number and the region that issued it."""
    number = profile.licence_number.strip()
    if not number:
        return ""
    short = credential_abbreviation(profile.credential_type)
    line = number if not short or number.upper().startswith(short.upper()) else f"{short} {number}"
    region = profile.licence_region.strip()
    line = f"{line} ({region})" if region else line
    return line[: Certificate._meta.get_field("licence").max_length]


def _person_name(user: User | None) -> str:
    profile = _profile(user) if user is not None else None
    return profile.display_name if profile is not None else ""


def _meeting_rows(*, user: User, group: Group, start: date, end: date) -> list[dict]:
    """Each meeting of the group that the user was present at, dated in the group's zone."""
    tz = zoneinfo.ZoneInfo(group.time_zone)
    window_start = datetime.combine(start, time.min, tzinfo=tz)
    window_end = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    marks = (
        Attendance.objects.filter(
            user=user,
            status=AttendanceStatus.PRESENT,
            meeting__group=group,
            meeting__starts_at__gte=window_start,
            meeting__starts_at__lt=window_end,
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting__facilitator__profile")
        .order_by("meeting__starts_at", "meeting_id")
    )
    return [
        {
            "date": mark.meeting.starts_at.astimezone(tz).date().isoformat(),
            "minutes": minutes_between(mark.meeting.starts_at, mark.meeting.ends_at),
            "facilitator": _person_name(mark.meeting.facilitator),
        }
        for mark in marks
    ]


@transaction.atomic
def issue_certificate(*, user: User, group: Group, start: date, end: date) -> Certificate:
    """A certificate of the user's present attendance in ``group`` between ``start`` and
    ``end`` (dates in the group's time zone, both included).

    Raises ``ValidationError`` keyed by the form's fields (``group``, ``start``, ``end``) when
    the request cannot be met; nothing is written then.
    """
    if start is None or end is None:
        raise ValidationError({"start": _("Choose the first and last day of the period.")})
    if end < start:
        raise ValidationError({"end": _("The last day cannot be before the first day.")})
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(group.time_zone))
    if end > today:
        raise ValidationError(
            {
                "end": _("The period cannot end after today (%(today)s in the group's time zone).")
                % {"today": _day(today)}
            }
        )
    profile = _profile(user)
    if profile is None or not profile.display_name.strip():
        raise ValidationError(_("Add your name to your profile before asking for a certificate."))
    rows = _meeting_rows(user=user, group=group, start=start, end=end)
    if not rows:
        ever = Attendance.objects.filter(
            user=user, status=AttendanceStatus.PRESENT, meeting__group=group
        ).exists()
        if not ever:
            raise ValidationError({"group": _("Choose a group whose meetings you were at.")})
        raise ValidationError(
            {
                "start": _("You were not marked present at any %(group)s meeting in this period.")
                % {"group": group.name}
            }
        )
    certificate = Certificate(
        user=user,
        group=group,
        holder_name=profile.display_name.strip(),
        credential=profile.get_credential_type_display() if profile.credential_type else "",
        licence=licence_line(profile),
        group_name=group.name,
        period_start=start,
        period_end=end,
        meetings=rows,
        total_minutes=sum(row["minutes"] for row in rows),
    )
    certificate.full_clean()
    certificate.save()
    record_audit(
        actor=user,
        verb="certificate.issued",
        subject=user,
        group=group,
        obj=certificate,
        data={
            "code": certificate.code,
            "period": [start.isoformat(), end.isoformat()],
            "meetings": len(rows),
            "total_minutes": certificate.total_minutes,
        },
    )
    return certificate


@transaction.atomic
def revoke_certificate(*, actor: User, certificate: Certificate) -> Certificate:
    """Mark a certificate revoked; the verification page says so from then on. Revoking a
    revoked certificate changes nothing."""
    check(actor, "meetings.revoke_certificate", certificate)
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    record_audit(
        actor=actor,
        verb="certificate.revoked",
        subject=locked.user,
        group=locked.group,
        obj=locked,
        data={"code": locked.code},
    )
    return locked


# Stored in English on the certificate; shown in the reader's language (``shown_name``).
FORMER_MEMBER = gettext_noop("Former member")


def shown_name(name: str) -> str:
    """A name kept on a certificate as the reader sees it: "Former member" in their language."""
    return _(FORMER_MEMBER) if name == FORMER_MEMBER else name


def forget_certificate_holder(*, user: User, names: set[str], group_ids: set[int]) -> int:
    """A deleted account: revoke the holder's certificates and keep no name or licence on them;
    on colleagues' certificates of their groups, a meeting they facilitated names a former
    member. The public check then says "Former member" and "revoked". Returns how many of the
    holder's certificates were revoked now."""
    now = timezone.now()
    revoked = 0
    for certificate in Certificate.objects.select_for_update().filter(user=user):
        fields = ["holder_name", "credential", "licence"]
        certificate.holder_name, certificate.credential, certificate.licence = FORMER_MEMBER, "", ""
        if certificate.revoked_at is None:
            certificate.revoked_at, certificate.revoked_by = now, None
            fields += ["revoked_at", "revoked_by"]
            revoked += 1
            record_audit(
                actor=None,
                verb="certificate.revoked",
                subject=user,
                group=certificate.group,
                obj=certificate,
                data={"code": certificate.code, "reason": "The holder deleted their account."},
            )
        certificate.save(update_fields=fields)
    names = {name for name in names if name}
    if names and group_ids:
        for certificate in (
            Certificate.objects.select_for_update().filter(group__in=group_ids).exclude(user=user)
        ):
            rows = certificate.meetings
            if not any(row.get("facilitator") in names for row in rows):
                continue
            certificate.meetings = [
                {**row, "facilitator": FORMER_MEMBER} if row.get("facilitator") in names else row
                for row in rows
            ]
            certificate.save(update_fields=["meetings"])
    return revoked


# --- the PDF --------------------------------------------------------------------------------


def verification_url(certificate: Certificate) -> str:
    path = reverse("meetings:verify", kwargs={"code": certificate.code})
    return settings.SITE_URL.rstrip("/") + path


def _day(value: date | str) -> str:
    return dates.date_only(date.fromisoformat(value) if isinstance(value, str) else value)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as an A4 PDF: who, what, each meeting, the total, and where to check it."""
    from reportlab.lib import colors  # lazy: reportlab is heavy and only PDFs need it
    from reportlab.lib.pagesizes import A4  # lazy: as above
    from reportlab.lib.styles import getSampleStyleSheet  # lazy: as above
    from reportlab.lib.units import mm  # lazy: as above
    from reportlab.platypus import (  # lazy: as above
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["Italic"]

    def para(text: str, style=body) -> Paragraph:
        # Paragraph reads a small markup language: every value from a person is escaped.
        return Paragraph(escape(text, quote=False), style)

    buffer = io.BytesIO()
    holder = shown_name(certificate.holder_name)
    start, end = _day(certificate.period_start), _day(certificate.period_end)
    total = _hours(certificate.total_minutes)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=_("Certificate of attendance %(code)s") % {"code": certificate.code},
        author="PeerCircle",
        subject=_("Peer consultation hours: %(group)s") % {"group": certificate.group_name},
    )
    story = [para(_("Certificate of attendance"), styles["Title"])]
    if certificate.revoked_at is not None:
        story.append(
            para(
                _("REVOKED on %(day)s: this certificate is no longer valid.")
                % {"day": _day(certificate.revoked_at.date())},
                styles["Heading2"],
            )
        )
    count = len(certificate.meetings)
    story.append(
        para(
            ngettext(
                "%(holder)s attended %(count)s peer consultation meeting of %(group)s between "
                "%(start)s and %(end)s, for a total of %(hours)s contact hours.",
                "%(holder)s attended %(count)s peer consultation meetings of %(group)s between "
                "%(start)s and %(end)s, for a total of %(hours)s contact hours.",
                count,
            )
            % {
                "holder": holder,
                "count": count,
                "group": certificate.group_name,
                "start": start,
                "end": end,
                "hours": total,
            }
        )
    )
    story.append(Spacer(1, 4 * mm))
    facts = [
        [_("Name"), holder],
        [_("Credential"), certificate.credential or _("Not given")],
        [_("Licence"), certificate.licence or _("Not given")],
        [_("Group"), certificate.group_name],
        [_("Period"), _("%(start)s to %(end)s") % {"start": start, "end": end}],
        [_("Total contact hours"), total],
        [_("Issued"), _day(certificate.issued_at.astimezone(UTC).date())],
        [_("Certificate code"), certificate.code],
    ]
    facts_table = Table(
        [[para(label), para(value)] for label, value in facts], colWidths=[45 * mm, None]
    )
    facts_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor("#555c63")),
            ]
        )
    )
    story += [facts_table, Spacer(1, 6 * mm), para(_("Meetings attended"), styles["Heading2"])]
    rows = [[_("Date"), _("Length"), _("Facilitator")]]
    rows += [
        [
            para(_day(row["date"])),
            para(_("%(minutes)s min") % {"minutes": row["minutes"]}),
            para(shown_name(row["facilitator"]) or _("Not recorded")),
        ]
        for row in certificate.meetings
    ]
    rows.append([_("Total"), _("%(hours)s h") % {"hours": total}, ""])
    meetings_table = Table(rows, colWidths=[50 * mm, 30 * mm, None], repeatRows=1)
    meetings_table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.75, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [
        meetings_table,
        Spacer(1, 8 * mm),
        para(
            _(
                "Contact hours are the scheduled length of each meeting the holder was marked "
                "present at by the group's organizers. Meeting dates are in the group's time zone."
            ),
            small,
        ),
        para(
            _("Check this certificate at %(url)s") % {"url": verification_url(certificate)}, small
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
