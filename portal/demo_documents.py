"""The demo's documents: the consultation group's confidentiality agreement (accepted by every
member, as joining would have them do) and its case-presentation template, written as real
PDFs and added through the services like any upload."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from groups.models import Group
from groups.services import documents as document_services
from members.models import User

AGREEMENT_TITLE = "Confidentiality agreement"
AGREEMENT = (
    "Confidentiality agreement",
    [
        "Every member of this consultation group agrees to the following, for as long as they "
        "are a member and afterwards.",
        "1. What is said in the group stays in the group. I do not repeat a colleague's case, "
        "their reactions or their questions outside it, in any form.",
        "2. I present clients de-identified: no names, initials, dates of birth, addresses, "
        "workplaces, schools or rare details. I say “a client in her thirties”, not who she is.",
        "3. If I recognise a client a colleague presents, I say so to the presenter at once and "
        "leave the discussion of that case.",
        "4. I keep no notes that identify a colleague's client, and I destroy my own notes of a "
        "consultation when I no longer need them.",
        "5. I join online meetings from a private room, with headphones, and I never record them.",
        "6. If I think a client may be at risk, I raise it with the presenter and the organizers "
        "during the meeting, and we agree who follows up.",
        "Accepting this agreement on PeerCircle stands for my signature.",
    ],
)
TEMPLATE_TITLE = "Case presentation template"
TEMPLATE = (
    "Case presentation template",
    [
        "Use this outline to prepare a case for the group. Keep it to what the group needs to "
        "answer your question; leave out anything that could identify the client.",
        "1. The consultation question: what you want help with, in one or two sentences.",
        "2. The client, de-identified: age range, presenting concerns, relevant context.",
        "3. The work so far: how long, the approach, what has helped and what has not.",
        "4. Where you are stuck, and your own reactions to the work.",
        "5. What kind of help you want today: ideas, questions, resources, support.",
    ],
)


def pdf_of(title: str, paragraphs: list[str]) -> bytes:
    buffer = BytesIO()
    styles = getSampleStyleSheet()
    story = [Paragraph(title, styles["Title"]), Spacer(1, 12)]
    for text in paragraphs:
        story += [Paragraph(text, styles["BodyText"]), Spacer(1, 6)]
    SimpleDocTemplate(buffer, pagesize=LETTER, title=title).build(story)
    return buffer.getvalue()


def seed_documents(*, group: Group, organizer: User) -> None:
    """The agreement (chosen, and accepted by every member) and the case template."""
    if group.documents.exists():
        return
    agreement = document_services.add_document(
        actor=organizer,
        group=group,
        title=AGREEMENT_TITLE,
        description="What every member agrees to keep. Accepted on joining.",
        upload=SimpleUploadedFile("confidentiality-agreement.pdf", pdf_of(*AGREEMENT)),
    )
    document_services.choose_agreement(actor=organizer, group=group, document_id=agreement.pk)
    for membership in group.memberships.exclude(user=organizer).select_related("user"):
        document_services.accept_agreement(
            user=membership.user, group=group, version_id=agreement.current_id
        )
    document_services.add_document(
        actor=organizer,
        group=group,
        title=TEMPLATE_TITLE,
        description="The outline we use to prepare a case for consultation.",
        upload=SimpleUploadedFile("case-presentation-template.pdf", pdf_of(*TEMPLATE)),
    )
