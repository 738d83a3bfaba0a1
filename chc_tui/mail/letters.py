"""A letter as an email (issue 21.3): subject "<reference>: <letter kind>", the letter's
text exactly as stored as the body, and the letter under the landlord's letterhead as a
.docx attachment (chc_tui.documents.letter_export, written by document_writers).

This only builds and sends the message; where a letter's delivery is recorded (to post,
emailed at, bounced) is the letter's own business, not the transport's.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from chc_tui.documents.document_writers import write
from chc_tui.documents.file_names import safe_file_stem
from chc_tui.documents.letter_export import letter_document
from chc_tui.mail.send import Attachment, Sent, send_message
from chc_tui.rules.needs import LetterFormat
from chc_tui.steps.landlord import LandlordSettings
from chc_tui.steps.mail_settings import MailSettings
from store.models import Letter


@dataclass(frozen=True)
class LetterEmail:
    to: str
    subject: str
    body: str
    attachment: Attachment


def kind_label(kind: str) -> str:
    from chc_tui.documents.letters import LetterKind

    try:
        return LetterKind(kind).label
    except ValueError:
        return kind


def letter_docx(letter: Letter, landlord: LandlordSettings, needs: LetterFormat = LetterFormat()) -> bytes:
    """The letter as the .docx export writes it, as bytes (written in a private temporary
    folder, removed after)."""
    with tempfile.TemporaryDirectory(prefix="chc-letter-") as folder:
        out = Path(folder) / "letter.docx"
        write(letter_document(letter, landlord, needs), "docx", out)
        return out.read_bytes()


def letter_email(letter: Letter, reference: str, landlord: LandlordSettings, *, to: str,
                 needs: LetterFormat = LetterFormat()) -> LetterEmail:
    label = kind_label(letter.kind)
    stem = safe_file_stem(f"{reference} {label}", "letter")
    return LetterEmail(
        to=to,
        subject=f"{reference}: {label}",
        body=letter.body,
        attachment=Attachment(f"{stem}.docx", letter_docx(letter, landlord, needs)),
    )


def send_letter_email(settings: MailSettings, password: str | None, email: LetterEmail,
                      landlord: LandlordSettings) -> Sent:
    """Send it from the complaints team's address (smtp-from), under the landlord's name;
    a Sent, or a chc_tui.mail.errors.MailError saying why not."""
    return send_message(settings, password, to=email.to, subject=email.subject, body=email.body,
                        attachment=email.attachment, sender_name=landlord.name)


def letter_email_for(services, letter_id: int, to: str) -> LetterEmail:
    """The email of a letter as sent, read through the services (NotFound for an unknown id)."""
    from chc_tui.rules.needs import letter_format
    from chc_tui.steps.landlord import landlord_settings
    from store.wider_record_queries import current_adjustments

    letter, reference = services.letter(letter_id)
    with services.db.read() as session:
        landlord = landlord_settings(session)
        needs = letter_format(current_adjustments(session, letter.complaint_id))
    return letter_email(letter, reference, landlord, to=to, needs=needs)
