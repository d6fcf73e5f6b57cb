"""What an uploaded file really is, checked from its content, and a safe name for it.

Every file a person uploads (a group's documents, a certificate for logged hours) passes
``inspect_upload`` before anything is stored. It reads the first bytes (``filetype``) and then
the structure a real file of that kind has: a PDF that ``pypdf`` can open and that carries no
password; a Word (.docx) or OpenDocument (.odt) file whose zip holds the parts such a document
has, no macros, and nothing that expands to an absurd size; a picture that Pillow can verify.
The name the browser sent is only a name: the kind comes from the content, the name must agree
with it (or gain the right extension) and is cleaned of anything odd.

Anything wrong raises ``UploadRejected`` (a ``ValidationError``) with a message a person can act
on; callers show it beside the file field and store nothing.

The words of a document (``CheckedUpload.text``) are returned for the de-identification guard:
a file shared with colleagues is free text that reaches other people.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import unicodedata
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from io import BytesIO

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from PIL import Image
from pypdf import PdfReader

__all__ = [
    "CERTIFICATE_KINDS",
    "DOCUMENT_KINDS",
    "KINDS",
    "MAX_UPLOAD_BYTES",
    "CheckedFileField",
    "CheckedUpload",
    "UploadRejected",
    "accepted_description",
    "clean_file_name",
    "delete_on_commit",
    "discard",
    "file_response",
    "inspect_upload",
    "kind_label",
    "random_path",
]

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 150
MAX_TEXT_CHARACTERS = 200_000  # every word is read for the guard; more is refused, not cut
MAX_PDF_PAGES = 300
# What reading a PDF's words may cost: the drawing instructions of its pages, decoded. Ordinary
# documents use a few kilobytes a page; a crafted one can take seconds per megabyte.
MAX_PDF_CONTENT_BYTES = 3 * 1024 * 1024
MAX_PART_BYTES = 20 * 1024 * 1024  # one XML part of a .docx or .odt, unzipped
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # a 10 MB document that unzips to more is a zip bomb
MAX_IMAGE_PIXELS = 40_000_000  # 8000 by 5000: a large photo; decoded, about 120 MB


def _too_large_message(limit: int = MAX_UPLOAD_BYTES) -> str:
    return _(
        "This file is larger than the limit of %(limit)s. Save a smaller copy (for a PDF, "
        "“reduce file size”; for a photo, a smaller size) and try again."
    ) % {"limit": filesizeformat(limit)}


# The refusal of a file over the limit, in the language of whoever reads it.
TOO_LARGE = lazy(_too_large_message, str)()


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the one a name without one is given

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


KINDS = {
    kind.key: kind
    for kind in (
        Kind("pdf", "PDF", "application/pdf", (".pdf",)),
        Kind(
            "docx",
            gettext_lazy("Word document"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        Kind(
            "odt",
            gettext_lazy("OpenDocument text"),
            "application/vnd.oasis.opendocument.text",
            (".odt",),
        ),
        Kind("jpeg", gettext_lazy("JPEG picture"), "image/jpeg", (".jpg", ".jpeg")),
        Kind("png", gettext_lazy("PNG picture"), "image/png", (".png",)),
        Kind("gif", gettext_lazy("GIF picture"), "image/gif", (".gif",)),
        Kind("webp", gettext_lazy("WebP picture"), "image/webp", (".webp",)),
    )
}
DOCUMENT_KINDS = tuple(KINDS)
CERTIFICATE_KINDS = ("pdf", "jpeg", "png", "webp")

# What people most often try instead, named in the refusal so they know what to do.
_SPREADSHEET = gettext_lazy("a spreadsheet: save it as PDF")
_PRESENTATION = gettext_lazy("a presentation: save it as PDF")
_PROGRAM = gettext_lazy("a program")
KNOWN_OTHERS = {
    "doc": gettext_lazy("an old-style Word file (.doc): save it as .docx or PDF"),
    "xls": _SPREADSHEET,
    "xlsx": _SPREADSHEET,
    "ods": _SPREADSHEET,
    "ppt": _PRESENTATION,
    "pptx": _PRESENTATION,
    "odp": _PRESENTATION,
    "rtf": gettext_lazy("a rich-text file: save it as .docx or PDF"),
    "zip": gettext_lazy("a zip archive: upload the files in it one by one"),
    "heic": gettext_lazy("an iPhone photo (HEIC): save it as JPEG"),
    "tif": gettext_lazy("a TIFF picture: save it as PDF or PNG"),
    "bmp": gettext_lazy("a BMP picture: save it as PNG"),
    "exe": _PROGRAM,
    "elf": _PROGRAM,
}
_ZIP_GUESSES = {"zip", "docx", "odt", "xlsx", "ods", "pptx", "odp", "epub"}
_FILETYPE_TO_KIND = {"pdf": "pdf", "jpg": "jpeg", "png": "png", "gif": "gif", "webp": "webp"}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


class UploadRejected(ValidationError):
    """The file is not one we keep; the message says why and what to do."""

    def __init__(self, message: str, code: str):
        super().__init__(message, code=code)


@dataclass(frozen=True)
class CheckedUpload:
    kind: Kind
    name: str  # cleaned, ending in the kind's extension
    size: int
    sha256: str
    text: str  # the words in it (empty for pictures), for the de-identification guard

    @property
    def content_type(self) -> str:
        return self.kind.content_type

    @property
    def extension(self) -> str:
        return self.kind.extensions[0]


def kind_label(content_type: str) -> str:
    """The plain name of a stored file's kind, from its content type ("PDF")."""
    for kind in KINDS.values():
        if kind.content_type == content_type:
            return str(kind.label)
    return _("File")


def accepted_description(kinds: tuple[str, ...]) -> str:
    """ "PDF, Word document or JPEG picture": the kinds a field takes, for help and errors."""
    labels = [str(KINDS[key].label) for key in kinds]
    if len(labels) == 1:
        return labels[0]
    return _("%(kinds)s or %(last)s") % {"kinds": ", ".join(labels[:-1]), "last": labels[-1]}


def inspect_upload(
    upload, *, kinds: tuple[str, ...] = DOCUMENT_KINDS, words: bool = True
) -> CheckedUpload:
    """Check an uploaded file (a Django ``UploadedFile``, or any file with ``name`` and
    ``size``) and say what it is. Raises ``UploadRejected``. The result is kept on the file,
    so the form and the service that both ask read it once.

    ``words``: read every word in it for the de-identification guard (files others will see);
    ``False`` for a file only its owner ever sees (a certificate), which is then only checked
    to be whole, at a fraction of the cost."""
    cached = getattr(upload, "_peercircle_checked", None)
    if cached is not None and cached[0] == (kinds, words):
        return cached[1]
    size = getattr(upload, "size", None)
    if size is None or size == 0:
        raise UploadRejected(_("This file is empty. Choose the file again."), "empty")
    if size > MAX_UPLOAD_BYTES:
        raise UploadRejected(TOO_LARGE, "too_large")
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    upload.seek(0)
    if not data:
        raise UploadRejected(_("This file is empty. Choose the file again."), "empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected(TOO_LARGE, "too_large")
    kind = _kind_of(data, kinds)
    text = _READERS[kind.key](data, words=words)
    if len(text) > MAX_TEXT_CHARACTERS:
        raise UploadRejected(
            _(
                "This file holds more text than we can check for client details "
                "(over %(limit)s characters). Split it into shorter files."
            )
            % {"limit": number_format(MAX_TEXT_CHARACTERS, force_grouping=True)},
            "too_long",
        )
    checked = CheckedUpload(
        kind=kind,
        name=clean_file_name(getattr(upload, "name", "") or "", kind),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
    )
    upload._peercircle_checked = ((kinds, words), checked)
    return checked


def _kind_of(data: bytes, kinds: tuple[str, ...]) -> Kind:
    guess = filetype.guess(data)
    found = guess.extension if guess else None
    if found in _ZIP_GUESSES:
        found = _zip_kind(data) or found
    elif found in _FILETYPE_TO_KIND:
        found = _FILETYPE_TO_KIND[found]
    elif found is None and data.lstrip()[:5] == b"%PDF-":
        found = "pdf"  # a PDF with a little whitespace before its header still opens
    accepted = accepted_description(kinds)
    if found in kinds:
        return KINDS[found]
    if found in KINDS:
        raise UploadRejected(
            _("This is a %(kind)s; here we take %(accepted)s files.")
            % {"kind": KINDS[found].label, "accepted": accepted},
            "wrong_type",
        )
    if found in KNOWN_OTHERS:
        raise UploadRejected(
            _("This file is %(description)s. Here we take %(accepted)s files.")
            % {"description": KNOWN_OTHERS[found], "accepted": accepted},
            "wrong_type",
        )
    raise UploadRejected(
        _(
            "We could not tell what kind of file this is from its content. Here we take "
            "%(accepted)s files."
        )
        % {"accepted": accepted},
        "wrong_type",
    )


def _zip_kind(data: bytes) -> str | None:
    """docx or odt when the zip is one; the filetype guess otherwise."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return "docx"
            if (
                "mimetype" in names
                and archive.getinfo("mimetype").file_size <= len(_ODT_MIMETYPE) + 8
                and archive.read("mimetype").strip() == _ODT_MIMETYPE
            ):
                return "odt"
    except Exception:  # zlib.error, EOFError, BadZipFile…: all damage
        raise UploadRejected(
            _(
                "This file looks like a Word or OpenDocument file but is damaged: we could not "
                "open it. Save it again from your word processor and try again."
            ),
            "damaged",
        ) from None
    return None


# --- reading each kind: checks that it is whole, and the words in it ---------------------------


def _read_pdf(data: bytes, *, words: bool = True) -> str:
    """A PDF pypdf opens, without a password; its words: every page's text, its title,
    author, subject and keywords, and the text of its annotations (comments)."""
    damaged = UploadRejected(
        _("This PDF is damaged: we could not open it. Save or export it again and try again."),
        "damaged",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(BytesIO(data), strict=False)
            # A PDF locked only against changes opens for anyone (an empty password).
            if reader.is_encrypted and not reader.decrypt(""):
                raise UploadRejected(
                    _(
                        "This PDF is protected with a password, so colleagues could not open "
                        "it and we could not check it. Save a copy without the password and "
                        "try again."
                    ),
                    "encrypted",
                )
            pages = reader.pages
            if len(pages) == 0:
                raise damaged
            if not words:
                return ""
            if len(pages) > MAX_PDF_PAGES:
                detail = ngettext(
                    "%(pages)s page; we check up to %(limit)s",
                    "%(pages)s pages; we check up to %(limit)s",
                    len(pages),
                ) % {"pages": len(pages), "limit": MAX_PDF_PAGES}
                raise _too_long_to_check(detail)
            return "\n".join([*_pdf_pages(pages), *_pdf_metadata(reader)])
    except UploadRejected:
        raise
    except Exception as exc:  # a parser of hostile input: any failure is damage
        raise damaged from exc


def _too_long_to_check(detail: str) -> UploadRejected:
    return UploadRejected(
        _(
            "This PDF is too long or too complex for us to check for client details "
            "(%(detail)s). Split it into shorter files, or print it to a new PDF, and try again."
        )
        % {"detail": detail},
        "too_long",
    )


# What PDF writers put in the properties when nobody typed anything (reportlab, LibreOffice).
_PLACEHOLDERS = frozenset({"untitled", "anonymous", "unspecified", "unknown", "none"})


def _pdf_metadata(reader) -> list[str]:
    """The title, author, subject and keywords someone gave the PDF (placeholders left out)."""
    info = reader.metadata or {}
    values = [
        str(info.get(key) or "").strip() for key in ("/Title", "/Author", "/Subject", "/Keywords")
    ]
    return [value for value in values if value and value.casefold() not in _PLACEHOLDERS]


def _pdf_pages(pages) -> list[str]:
    """Each page's text and its annotations' contents, within the decoding budget."""
    parts, budget = [], MAX_PDF_CONTENT_BYTES
    for page in pages:
        contents = page.get_contents()
        budget -= len(contents.get_data()) if contents is not None else 0
        if budget < 0:
            raise _too_long_to_check(_("its pages draw more than an ordinary document does"))
        parts.append(page.extract_text() or "")
        for annotation in page.get("/Annots") or []:
            note = annotation.get_object().get("/Contents")
            if note:
                parts.append(str(note))
    return parts


def _zip_parts(data: bytes, wanted: re.Pattern) -> list[bytes]:
    """The zip's parts whose names match ``wanted`` (in order), each read up to
    ``MAX_PART_BYTES``; refused as a zip bomb, with macros, or damaged."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
                raise UploadRejected(
                    _(
                        "This document expands to far more than its size says, as no real "
                        "document does. Save it again from your word processor and try again."
                    ),
                    "damaged",
                )
            names = {info.filename.lower() for info in infos}
            if any(name.endswith("vbaproject.bin") or name.startswith("basic/") for name in names):
                raise UploadRejected(
                    _(
                        "This document contains macros (small programs), which we do not pass "
                        "on to colleagues. Save it as a plain .docx, .odt or PDF and try again."
                    ),
                    "macros",
                )
            parts = []
            for info in sorted(infos, key=lambda i: i.filename):
                if wanted.fullmatch(info.filename):
                    with archive.open(info) as part:
                        parts.append(part.read(MAX_PART_BYTES))
            return parts
    except UploadRejected:
        raise
    except Exception as exc:  # zlib.error, EOFError, BadZipFile…: all damage
        raise _damaged_document() from exc


def _damaged_document() -> UploadRejected:
    return UploadRejected(
        _(
            "This document is damaged: we could not read it. Save it again from your word "
            "processor and try again."
        ),
        "damaged",
    )


_TAG = re.compile(r"<[^>]{0,2000}>")


def _xml_words(xml: bytes, breaks: re.Pattern, spaces: re.Pattern) -> str:
    text = xml.decode("utf-8", errors="replace")
    text = breaks.sub("\n", text)
    text = spaces.sub(" ", text)
    return html.unescape(_TAG.sub("", text))


_DOCX_BREAKS = re.compile(r"</w:p>|<w:br\b[^>]*/>|<w:cr\b[^>]*/>")
_DOCX_SPACES = re.compile(r"<w:tab\b[^>]*/>")
_ODT_BREAKS = re.compile(r"</text:p>|</text:h>|<text:line-break\b[^>]*/>")
_ODT_SPACES = re.compile(r"<text:s\b[^>]*/>|<text:tab\b[^>]*/>")


def _has_part(data: bytes, name: str) -> bool:
    with zipfile.ZipFile(BytesIO(data)) as archive:  # opened once already: it is a whole zip
        return name in archive.namelist()


# Every part of a document that holds words people read: the body, headers and footers,
# footnotes and endnotes, comments, and the properties (author, title, description).
_DOCX_PARTS = re.compile(
    r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml|docProps/core\.xml"
)
_ODT_PARTS = re.compile(r"content\.xml|styles\.xml|meta\.xml")


def _read_docx(data: bytes, *, words: bool = True) -> str:
    parts = _zip_parts(data, _DOCX_PARTS if words else re.compile(r"word/document\.xml"))
    if not _has_part(data, "word/document.xml"):
        raise _damaged_document()
    if not words:
        return ""
    return "\n".join(_xml_words(part, _DOCX_BREAKS, _DOCX_SPACES) for part in parts)


def _read_odt(data: bytes, *, words: bool = True) -> str:
    parts = _zip_parts(data, _ODT_PARTS if words else re.compile(r"content\.xml"))
    if not _has_part(data, "content.xml"):
        raise _damaged_document()
    if not words:
        return ""
    return "\n".join(_xml_words(part, _ODT_BREAKS, _ODT_SPACES) for part in parts)


def _read_image(data: bytes, *, words: bool = True) -> str:
    """A picture Pillow can open and decode to the end (``verify`` alone misses a cut-off
    JPEG or GIF), of a sensible size. Its words: the text its metadata carries (a description,
    a comment, the author). A photo that records where it was taken (GPS) is refused when
    others will see it: the place can identify a client."""

    def too_large(size=None) -> UploadRejected:
        if size:
            message = _(
                "This picture is %(width)s by %(height)s pixels, more than we keep. Save a "
                "smaller copy and try again."
            ) % {"width": size[0], "height": size[1]}
        else:
            message = _("This picture is too large. Save a smaller copy and try again.")
        return UploadRejected(message, "too_large")

    try:
        with warnings.catch_warnings():
            # Pillow warns from about 89 million pixels; our own limit is lower and says more.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise too_large((width, height))
                image.verify()
            with Image.open(BytesIO(data)) as image:
                image.load()
                found = _image_words(image) if words else ""
                if words and image.getexif().get_ifd(GPS_IFD):
                    raise UploadRejected(
                        _(
                            "This photo records the place where it was taken. Save a copy "
                            "without its location (most phones and editors offer “remove "
                            "location”) and try again."
                        ),
                        "location",
                    )
    except UploadRejected:
        raise
    except Image.DecompressionBombError as exc:  # over twice Pillow's limit: not even opened
        raise too_large() from exc
    except Exception as exc:  # a decoder of hostile input: any failure is damage
        raise UploadRejected(
            _("This picture is damaged: we could not open it. Save it again and try again."),
            "damaged",
        ) from exc
    return found


GPS_IFD = 0x8825
# Text-bearing EXIF tags: ImageDescription, Artist, Copyright, XPTitle, XPComment, XPAuthor,
# XPKeywords, XPSubject; UserComment (in the Exif IFD).
_EXIF_TEXT_TAGS = (0x010E, 0x013B, 0x8298, 0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F)
_EXIF_IFD, _USER_COMMENT = 0x8769, 0x9286


def _image_words(image) -> str:
    exif = image.getexif()
    values = [exif.get(tag) for tag in _EXIF_TEXT_TAGS]
    values.append(exif.get_ifd(_EXIF_IFD).get(_USER_COMMENT))
    values += [
        v for k, v in (image.info or {}).items() if k in ("comment", "Description", "Comment")
    ]
    texts = []
    for value in values:
        if isinstance(value, bytes):
            value = value.decode("utf-16-le" if value[1:2] == b"\x00" else "utf-8", "replace")
        if isinstance(value, str) and value.strip("\x00 "):
            texts.append(value.strip("\x00 "))
    return "\n".join(texts)


_READERS = {
    "pdf": _read_pdf,
    "docx": _read_docx,
    "odt": _read_odt,
    "jpeg": _read_image,
    "png": _read_image,
    "gif": _read_image,
    "webp": _read_image,
}


# --- names ------------------------------------------------------------------------------------

# Extensions that say the file is something else entirely: a name ending in one of these is
# refused even when the content is fine, since it is not what it claims to be. Any other
# dot in a name ("Minutes 12.03") is part of the name.
_OTHER_EXTENSIONS = """
    exe com bat cmd scr msi dll sh ps1 vbs js jar app apk html htm svg xml php zip rar 7z gz tar
    doc docm dotm xls xlsx xlsm ods ppt pptx odp rtf txt csv heic tif tiff bmp mp3 mp4 mov
"""
CLAIMS_OTHER = frozenset(f".{extension}" for extension in _OTHER_EXTENSIONS.split())
ACCEPTED_EXTENSIONS = frozenset(ext for kind in KINDS.values() for ext in kind.extensions)

# Zero-width (non-)joiners shape Persian, Arabic and Indic words: they stay; every other
# invisible format character (bidi overrides above all) makes a name odd.
JOINERS = frozenset("\u200c\u200d")

_KEPT = re.compile(r"[^\w .,()\[\]&+'\u200c\u200d-]", flags=re.UNICODE)
_STRAY_JOINER = re.compile(r"(?<![^\W_])[\u200c\u200d]+|[\u200c\u200d]+(?![^\W_])")


def clean_file_name(raw: str, kind: Kind) -> str:
    """A name safe to show and to send back in a download: normalised, without anything that
    could hide what the file is or point elsewhere, ending in the extension of what it is (a
    PNG sent as ``photo.jpg`` becomes ``photo.png``).

    Refused (``UploadRejected``): no name at all, hidden or control characters (a
    right-to-left mark can make ``fdp.exe`` look like ``exe.pdf``), folder separators, a name
    that is only an extension, and a name whose extension claims another kind of file
    (``CLAIMS_OTHER``: ``report.exe``, ``notes.html``)."""
    name = unicodedata.normalize("NFC", raw).strip()
    odd = UploadRejected(
        _(
            "The file's name has characters we cannot keep (hidden or control characters, or "
            "folder separators). Rename the file with letters, numbers and spaces, and choose "
            "it again."
        ),
        "odd_name",
    )
    if any(
        unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") and char not in JOINERS
        for char in name
    ):
        raise odd
    if "/" in name or "\\" in name or name in ("", ".", ".."):
        raise odd if name else UploadRejected(_("This file has no name. Rename it."), "odd_name")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    elif not stem.strip(" ."):
        raise UploadRejected(
            _("The file's name is only an extension. Give it a name and choose it again."),
            "odd_name",
        )
    extension = f".{extension.lower()}" if extension else ""
    if extension in CLAIMS_OTHER:
        raise UploadRejected(
            _(
                "The file's name ends in “%(extension)s”, but it is a %(kind)s. Rename it to "
                "end in %(right)s (if that is right) and choose it again."
            )
            % {"extension": extension, "kind": kind.label, "right": kind.extensions[0]},
            "wrong_type",
        )
    if extension in ACCEPTED_EXTENSIONS:  # named for a kind we take: named for what it is
        extension = extension if extension in kind.extensions else kind.extensions[0]
    else:  # no extension, or a dot that is part of the name
        stem, extension = name, kind.extensions[0]
    stem = _KEPT.sub("_", stem)
    # A joiner only joins: between two letters (Persian, Indic scripts) it stays, elsewhere it
    # would be an invisible character in the name.
    stem = _STRAY_JOINER.sub("", stem)
    stem = re.sub(r"\s+", " ", re.sub(r"_+", "_", stem)).strip(" ._-")
    if not stem:
        stem = "document"
    if len(stem) > MAX_NAME_LENGTH:
        stem = stem[:MAX_NAME_LENGTH].rstrip(" ._-")
    return f"{stem}{extension}"


# --- forms ------------------------------------------------------------------------------------


def _help_text(kinds: tuple[str, ...], limit: int) -> str:
    """The help beside a file field ("PDF or PNG picture, up to 10.0 MB.")."""
    return _("%(kinds)s, up to %(limit)s.") % {
        "kinds": accepted_description(kinds),
        "limit": filesizeformat(limit),
    }


# Fields are made when their form's module is imported: the help is worded when it is shown.
_lazy_help_text = lazy(_help_text, str)


class CheckedFileField(forms.FileField):
    """A file input that accepts only the given kinds, checked from the content; its cleaned
    value is the uploaded file with its ``CheckedUpload`` as ``.checked``."""

    default_error_messages = {
        "empty": gettext_lazy("This file is empty. Choose the file again."),
        "missing": gettext_lazy("Choose a file."),
        "required": gettext_lazy("Choose a file."),
    }

    def __init__(self, *, kinds: tuple[str, ...] = DOCUMENT_KINDS, words: bool = True, **kwargs):
        self.kinds = kinds
        self.words = words
        kwargs.setdefault("help_text", _lazy_help_text(kinds, MAX_UPLOAD_BYTES))
        super().__init__(**kwargs)
        extensions = sorted({ext for key in kinds for ext in KINDS[key].extensions})
        self.widget.attrs.setdefault("accept", ",".join(extensions))

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial and hasattr(upload, "read"):
            upload.checked = inspect_upload(upload, kinds=self.kinds, words=self.words)
        return upload


# --- storing, serving and deleting ------------------------------------------------------------


def random_path(folder: str, filename: str) -> str:
    """Where a checked file is stored: a random name in ``folder``, keeping only the extension
    of its (cleaned) name, so nothing a person typed reaches the file system."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else "bin"
    return f"{folder}/{uuid.uuid4().hex}.{extension[:5]}"


# --- serving and deleting what was stored -----------------------------------------------------

INLINE_TYPES = ("application/pdf", "image/")


def file_response(request, stored, *, name: str, content_type: str) -> FileResponse:
    """Stream a stored file (a ``FieldFile``) to someone a view already let see it: PDFs and
    pictures open in the browser unless ``?download`` asks otherwise, any other kind downloads;
    named ``name``; never cached on the way. A file gone from storage is a 404."""
    try:
        handle = stored.open("rb")
    except OSError as exc:  # FileNotFoundError too: the row outlived its file
        raise Http404("The file is missing.") from exc
    inline = content_type.startswith(INLINE_TYPES) and "download" not in request.GET
    response = FileResponse(
        handle, as_attachment=not inline, filename=name, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def discard(name: str) -> None:
    """Delete a file just stored for a write that failed, without hiding why it failed."""
    try:
        default_storage.delete(name)
    except Exception:  # the store is down: the failure that brought us here matters more
        log.warning("Could not delete an uploaded file after a failed write (%s).", name)


def delete_on_commit(names) -> None:
    """Delete stored files once the transaction that removed their rows commits (and not at
    all if it rolls back)."""
    names = [name for name in names if name]
    if not names:
        return

    def delete():
        for name in names:
            try:
                default_storage.delete(name)
            except Exception:  # the store is down (OSError, botocore's errors): the row is gone
                log.warning("Could not delete an uploaded file (%s).", name)

    transaction.on_commit(delete, robust=True)
