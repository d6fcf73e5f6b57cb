"""What an uploaded file is, from its content, and the name it is kept under (config/uploads.py).

Every accepted kind is accepted with its words; every refusal names its reason with the message a
person reads beside the file field. Hostile files (a cut-off picture, a PDF or document whose
parts are broken or expand without end) are refused as damaged, never a server error.
"""

import hashlib
import io
import re
import string
import struct
import unicodedata
import zipfile
import zlib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader, PdfWriter

from config import uploads
from config.uploads import (
    CERTIFICATE_KINDS,
    DOCUMENT_KINDS,
    KINDS,
    MAX_UPLOAD_BYTES,
    CheckedFileField,
    UploadRejected,
    accepted_description,
    clean_file_name,
    inspect_upload,
    kind_label,
)
from tests.uploads import docx, encrypted_pdf, image, odt, pdf, upload, zip_of

ALL = (
    "PDF, Word document, OpenDocument text, JPEG picture, PNG picture, GIF picture or WebP picture"
)
EMPTY = "This file is empty. Choose the file again."
TOO_LARGE = (
    "This file is larger than the limit of 10.0\xa0MB. Save a smaller copy (for a PDF, “reduce "
    "file size”; for a photo, a smaller size) and try again."
)
UNKNOWN = f"We could not tell what kind of file this is from its content. Here we take {ALL} files."
PROGRAM = f"This file is a program. Here we take {ALL} files."
ZIP = f"This file is a zip archive: upload the files in it one by one. Here we take {ALL} files."
SPREADSHEET = f"This file is a spreadsheet: save it as PDF. Here we take {ALL} files."
OLD_WORD = (
    f"This file is an old-style Word file (.doc): save it as .docx or PDF. Here we take {ALL} "
    "files."
)
HEIC = f"This file is an iPhone photo (HEIC): save it as JPEG. Here we take {ALL} files."
DAMAGED_PDF = "This PDF is damaged: we could not open it. Save or export it again and try again."
ENCRYPTED = (
    "This PDF is protected with a password, so colleagues could not open it and we could not "
    "check it. Save a copy without the password and try again."
)
DAMAGED_ZIP = (
    "This file looks like a Word or OpenDocument file but is damaged: we could not open it. "
    "Save it again from your word processor and try again."
)
DAMAGED_DOCUMENT = (
    "This document is damaged: we could not read it. Save it again from your word processor "
    "and try again."
)
ZIP_BOMB = (
    "This document expands to far more than its size says, as no real document does. Save it "
    "again from your word processor and try again."
)
MACROS = (
    "This document contains macros (small programs), which we do not pass on to colleagues. "
    "Save it as a plain .docx, .odt or PDF and try again."
)
DAMAGED_PICTURE = "This picture is damaged: we could not open it. Save it again and try again."
ODD_NAME = (
    "The file's name has characters we cannot keep (hidden or control characters, or folder "
    "separators). Rename the file with letters, numbers and spaces, and choose it again."
)
ONLY_EXTENSION = "The file's name is only an extension. Give it a name and choose it again."
NO_NAME = "This file has no name. Rename it."
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF = KINDS["pdf"]


def check(name: str, data: bytes, **kwargs):
    return inspect_upload(upload(name, data), **kwargs)


def refusal(name: str, data: bytes, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        check(name, data, **kwargs)
    return caught.value


def name_refusal(raw: str, kind=PDF) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        clean_file_name(raw, kind)
    return caught.value


def png_of(size, mode="1") -> bytes:
    """A one-colour picture: tiny as a PNG however many pixels it has."""
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


def _entry_data_offset(data: bytes, name: str) -> tuple[int, int]:
    """Where an entry's stored (compressed) bytes start in a zip, and how many there are."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 :][:4])
    return info.header_offset + 30 + name_length + extra_length, info.compress_size


def docx_with_broken_deflate() -> bytes:
    """A whole zip (directory intact) whose word/document.xml is not a deflate stream."""
    data = bytearray(docx("Hello"))
    start, length = _entry_data_offset(bytes(data), "word/document.xml")
    data[start : start + length] = b"\xff" * length  # block type 3: "invalid block type"
    return bytes(data)


def docx_cut_short() -> bytes:
    """A zip whose directory says word/document.xml is longer than the file that holds it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # stored, not compressed
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:p><w:t>Hello</w:t></w:p>")
    data = bytearray(buffer.getvalue())
    entry = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 4)  # second directory entry
    assert data[entry + 46 : entry + 46 + 17] == b"word/document.xml"
    data[entry + 20 : entry + 28] = struct.pack("<II", 5000, 5000)  # compressed, real sizes
    return bytes(data)


def handmade_pdf(content: bytes) -> bytes:
    """A one-page PDF whose page is drawn by ``content`` (already deflated)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def deflated(head: bytes, spaces: int) -> bytes:
    """``head`` then that many spaces, deflated a megabyte at a time."""
    packer = zlib.compressobj(9)
    parts = [packer.compress(head)]
    for _ in range(spaces // 1_000_000):
        parts.append(packer.compress(b" " * 1_000_000))
    return b"".join([*parts, packer.flush()])


# --- what is accepted, and the words read from it -----------------------------------------------


def test_a_pdf_is_accepted_with_its_words_size_and_checksum():
    data = pdf("Peer consultation handout", "Second line of the handout")
    checked = check("Handout.pdf", data)
    assert checked.kind.key == "pdf"
    assert checked.name == "Handout.pdf"
    assert checked.text == "Peer consultation handout\nSecond line of the handout\n"
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.content_type == "application/pdf"
    assert checked.extension == ".pdf"


def test_the_words_of_every_page_of_a_pdf_are_read():
    assert check("Two pages.pdf", pdf("Line one", pages=2)).text == "Line one\n\nLine one\n"


def test_a_pdf_drawn_by_hand_gives_its_words():
    page = handmade_pdf(zlib.compress(b"BT /F1 12 Tf 72 712 Td (Drawn by hand) Tj ET"))
    assert check("hand.pdf", page).text == "Drawn by hand"


def test_a_pdf_whose_pages_contain_themselves_is_refused_as_damaged():
    page = handmade_pdf(zlib.compress(b"BT /F1 12 Tf 72 712 Td (Loop) Tj ET"))
    looped = page.replace(b"/Kids [3 0 R] /Count 1", b"/Kids [2 0 R] /Count 1")
    error = refusal("loop.pdf", looped)
    assert (error.code, error.messages) == ("damaged", [DAMAGED_PDF])


def test_a_pdf_with_whitespace_before_its_header_still_opens():
    checked = check("lead.pdf", b"\n  " + pdf("Leading whitespace"))
    assert (checked.kind.key, checked.text) == ("pdf", "Leading whitespace\n")


def test_a_word_document_gives_its_paragraphs_one_a_line():
    checked = check("Case template.docx", docx("First paragraph", "Second paragraph"))
    assert checked.kind.key == "docx"
    assert checked.name == "Case template.docx"
    assert checked.text == "First paragraph\nSecond paragraph\n"
    assert checked.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_a_word_document_s_tabs_breaks_and_entities_become_plain_text():
    data = docx(
        "Left</w:t></w:r><w:r><w:tab/><w:t>Right",
        "Up</w:t><w:br/><w:t>Down",
        "Fish &amp; chips",
    )
    assert check("layout.docx", data).text == "Left Right\nUp\nDown\nFish & chips\n"


def test_an_opendocument_text_gives_its_paragraphs_and_headings_with_spaces_kept():
    data = odt(
        "One",
        "Two<text:s/>words",
        'Three<text:s text:c="3"/>spaces',
        "A<text:tab/>B",
        "line<text:line-break/>break",
        'x</text:p><text:h text:outline-level="1">Heading</text:h><text:p>y',
    )
    checked = check("Minutes.odt", data)
    assert checked.kind.key == "odt"
    assert checked.name == "Minutes.odt"
    assert checked.text == "One\nTwo words\nThree spaces\nA B\nline\nbreak\nx\nHeading\ny\n"
    assert checked.content_type == "application/vnd.oasis.opendocument.text"


@pytest.mark.parametrize(
    ("fmt", "key", "name", "content_type"),
    [
        ("PNG", "png", "Scan.png", "image/png"),
        ("JPEG", "jpeg", "Scan.jpg", "image/jpeg"),
        ("GIF", "gif", "Scan.gif", "image/gif"),
        ("WEBP", "webp", "Scan.webp", "image/webp"),
    ],
)
def test_each_kind_of_picture_is_accepted_without_words(fmt, key, name, content_type):
    checked = check("Scan", image(fmt))
    assert (checked.kind.key, checked.name, checked.text) == (key, name, "")
    assert checked.content_type == content_type
    assert checked.kind.is_image


def test_a_jpeg_named_jpeg_keeps_that_extension():
    assert check("photo.JPEG", image("JPEG")).name == "photo.jpeg"


def test_the_upload_is_rewound_for_whoever_stores_it():
    data = pdf("Rewound")
    file = upload("rewound.pdf", data)
    file.read(10)
    inspect_upload(file)
    assert file.tell() == 0
    assert file.read() == data


# --- empty and too large ------------------------------------------------------------------------


def test_an_empty_file_is_refused():
    error = refusal("empty.pdf", b"")
    assert (error.code, error.messages) == ("empty", [EMPTY])


def test_a_file_that_says_it_has_bytes_but_has_none_is_refused_as_empty():
    file = upload("empty.pdf", b"")
    file.size = 5
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(file)
    assert (caught.value.code, caught.value.messages) == ("empty", [EMPTY])


def test_a_file_of_one_byte_over_ten_megabytes_is_refused():
    error = refusal("big.pdf", b"%PDF-1.4\n" + b"\0" * (MAX_UPLOAD_BYTES + 1 - 9))
    assert (error.code, error.messages) == ("too_large", [TOO_LARGE])


def test_a_file_of_exactly_ten_megabytes_is_not_too_large():
    error = refusal("exactly.pdf", b"\0" * MAX_UPLOAD_BYTES)
    assert error.code == "wrong_type"  # judged on its content, not refused for its size


def test_a_file_whose_size_understates_its_content_is_still_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    file = upload("liar.pdf", pdf())
    file.size = 10
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(file)
    assert (caught.value.code, caught.value.messages) == ("too_large", [TOO_LARGE])


# --- the kind comes from the content, whatever the name says ------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param("report.pdf", b"MZ\x90\x00" + b"\0" * 200, PROGRAM, id="exe-named-pdf"),
        pytest.param("tool.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 200, PROGRAM, id="elf"),
        pytest.param("letter.docx", zip_of(**{"notes.txt": b"hi"}), ZIP, id="zip-named-docx"),
        pytest.param("notes.pdf", b"Plain text, not a PDF at all.\n", UNKNOWN, id="text-as-pdf"),
        pytest.param(
            "budget.docx",
            zip_of(**{"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
            SPREADSHEET,
            id="xlsx-named-docx",
        ),
        pytest.param(
            "budget.odt",
            zip_of(mimetype=b"application/vnd.oasis.opendocument.spreadsheet", c=b"x"),
            SPREADSHEET,
            id="ods-named-odt",
        ),
        pytest.param("old.doc", OLE_HEADER + b"\0" * 600, UNKNOWN, id="bare-ole-header"),
        pytest.param(
            "old.pdf",
            OLE_HEADER + b"\0" * 504 + b"\xec\xa5\xc1\x00" + b"\0" * 600,
            OLD_WORD,
            id="word-97-named-pdf",
        ),
        pytest.param("photo.jpg", b"\0\0\0\x18ftypheic" + b"\0" * 100, HEIC, id="heic"),
    ],
)
def test_a_file_of_another_kind_is_refused_whatever_its_name(name, data, message):
    error = refusal(name, data)
    assert (error.code, error.messages) == ("wrong_type", [message])


def test_a_picture_is_refused_where_only_pdfs_are_taken():
    error = refusal("certificate.png", image("PNG"), kinds=("pdf",))
    assert (error.code, error.messages) == (
        "wrong_type",
        ["This is a PNG picture; here we take PDF files."],
    )


def test_a_word_document_is_refused_as_a_certificate():
    error = refusal("certificate.docx", docx("Hours"), kinds=CERTIFICATE_KINDS)
    assert (error.code, error.messages) == (
        "wrong_type",
        [
            "This is a Word document; here we take PDF, JPEG picture, PNG picture or WebP "
            "picture files."
        ],
    )


def test_a_png_named_jpg_is_kept_as_a_png():
    checked = check("photo.jpg", image("PNG"))
    assert (checked.kind.key, checked.name) == ("png", "photo.png")


@pytest.mark.parametrize(("name", "extension"), [("report.exe", ".exe"), ("notes.html", ".html")])
def test_a_pdf_whose_name_claims_another_kind_is_refused(name, extension):
    error = refusal(name, pdf())
    assert (error.code, error.messages) == (
        "wrong_type",
        [
            f"The file's name ends in “{extension}”, but it is a PDF. Rename it to end in .pdf "
            "(if that is right) and choose it again."
        ],
    )


def test_a_dot_inside_a_name_is_part_of_the_name():
    assert check("Minutes 12.03", pdf()).name == "Minutes 12.03.pdf"
    assert check("Minutes 12.03.pdf", pdf()).name == "Minutes 12.03.pdf"


# --- damaged, locked or dangerous -----------------------------------------------------------------


def test_a_truncated_pdf_is_refused_as_damaged():
    error = refusal("cut.pdf", pdf("Cut short")[:300])
    assert (error.code, error.messages) == ("damaged", [DAMAGED_PDF])


def test_a_pdf_header_with_nothing_behind_it_is_refused_as_damaged():
    error = refusal("header.pdf", b"%PDF-1.4\n" + b"garbage " * 20)
    assert (error.code, error.messages) == ("damaged", [DAMAGED_PDF])


def test_a_pdf_without_pages_is_refused_as_damaged():
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    error = refusal("blank.pdf", buffer.getvalue())
    assert (error.code, error.messages) == ("damaged", [DAMAGED_PDF])


def test_a_pdf_with_a_password_is_refused():
    error = refusal("locked.pdf", encrypted_pdf())
    assert (error.code, error.messages) == ("encrypted", [ENCRYPTED])


def test_a_word_document_with_macros_is_refused():
    error = refusal("macro.docx", docx("Enable content", macros=True))
    assert (error.code, error.messages) == ("macros", [MACROS])


def test_an_opendocument_text_with_basic_macros_is_refused():
    data = zip_of(
        mimetype=b"application/vnd.oasis.opendocument.text",
        **{"content.xml": b"<text:p>x</text:p>", "Basic/Standard/Module1.xml": b"<module/>"},
    )
    error = refusal("macro.odt", data)
    assert (error.code, error.messages) == ("macros", [MACROS])


def test_a_document_that_unzips_to_more_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNZIPPED_BYTES", 100_000)
    data = docx("x" * 200_000)
    assert len(data) < 2_000  # deflate squeezes the repeated letter to almost nothing
    error = refusal("bomb.docx", data)
    assert (error.code, error.messages) == ("damaged", [ZIP_BOMB])


def test_a_document_under_the_unzipped_limit_is_accepted(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNZIPPED_BYTES", 150_000 + 1_000)
    assert check("long.docx", docx("x" * 150_000)).text == "x" * 150_000 + "\n"


def test_a_file_with_more_words_than_the_guard_checks_is_refused_not_cut():
    error = refusal("long.docx", docx("y" * (uploads.MAX_TEXT_CHARACTERS + 10)))
    assert error.code == "too_long"
    just_under = uploads.MAX_TEXT_CHARACTERS - 10
    assert check("short.docx", docx("y" * just_under)).text.strip() == "y" * just_under


def test_a_truncated_word_document_is_refused_as_damaged():
    error = refusal("cut.docx", docx("Cut short")[:200])
    assert (error.code, error.messages) == ("damaged", [DAMAGED_ZIP])


def test_a_word_document_without_its_text_part_is_refused_as_damaged():
    data = zip_of(**{"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<styles/>"})
    error = refusal("parts.docx", data)
    assert (error.code, error.messages) == ("damaged", [DAMAGED_DOCUMENT])


def test_a_truncated_picture_is_refused_as_damaged():
    error = refusal("cut.png", image("PNG")[:40])
    assert (error.code, error.messages) == ("damaged", [DAMAGED_PICTURE])


def test_a_picture_header_with_garbage_behind_it_is_refused_as_damaged():
    error = refusal("garbage.png", image("PNG")[:8] + b"garbage " * 20)
    assert (error.code, error.messages) == ("damaged", [DAMAGED_PICTURE])


def test_a_picture_over_the_pixel_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 24 * 16 - 1)
    error = refusal("wide.png", image("PNG", size=(24, 16)))
    assert (error.code, error.messages) == (
        "too_large",
        ["This picture is 24 by 16 pixels, more than we keep. Save a smaller copy and try again."],
    )


def test_a_picture_of_exactly_the_pixel_limit_is_accepted(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 24 * 16)
    assert check("wide.png", image("PNG", size=(24, 16))).kind.key == "png"


def test_a_picture_over_the_real_pixel_limit_is_refused_as_too_large():
    error = refusal("huge.png", png_of((8000, 8000)))  # 64 million pixels, 10 KB of PNG
    assert (error.code, error.messages) == (
        "too_large",
        [
            "This picture is 8000 by 8000 pixels, more than we keep. Save a smaller copy and "
            "try again."
        ],
    )


# --- hostile and broken files: found by fuzzing, refused cleanly ------------------------------------------


def test_a_picture_beyond_pillows_own_limit_is_too_large_not_damaged():
    error = refusal("huge.png", png_of((10_000, 10_000)))  # 100 million pixels, 12 KB of PNG
    assert (error.code, error.messages) == (
        "too_large",
        [
            "This picture is 10000 by 10000 pixels, more than we keep. Save a smaller copy and "
            "try again."
        ],
    )


@pytest.mark.parametrize("fmt", ["JPEG", "GIF"])
def test_a_cut_off_jpeg_or_gif_is_refused_as_damaged(fmt):
    buffer = io.BytesIO()
    Image.effect_noise((64, 64), 40).convert("RGB").save(buffer, fmt)
    data = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    with pytest.raises(OSError, match="truncated"):
        Image.open(io.BytesIO(data)).load()  # it really cannot be shown
    error = refusal(f"cut.{fmt.lower()}", data)
    assert (error.code, error.messages) == ("damaged", [DAMAGED_PICTURE])


def test_a_pdf_with_an_unknown_stream_filter_is_refused_as_damaged():
    data = pdf("Hello")
    assert b"/ASCII85Decode" in data
    error = refusal("filter.pdf", data.replace(b"/ASCII85Decode", b"/ASCII86Decode"))
    assert (error.code, error.messages) == ("damaged", [DAMAGED_PDF])


def test_a_pdf_whose_page_inflates_beyond_pypdf_s_limit_is_refused_as_damaged():
    content = deflated(b"BT /F1 12 Tf 72 712 Td (x) Tj ET\n", 80_000_000)
    data = handmade_pdf(content)
    assert len(data) < 100_000  # 80 MB of drawing instructions in 80 KB
    error = refusal("bomb.pdf", data)
    assert (error.code, error.messages) == ("damaged", [DAMAGED_PDF])


def test_a_word_document_with_a_broken_deflate_stream_is_refused_as_damaged():
    error = refusal("broken.docx", docx_with_broken_deflate())
    assert (error.code, error.messages) == ("damaged", [DAMAGED_DOCUMENT])


def test_a_word_document_cut_inside_its_text_part_is_refused_as_damaged():
    error = refusal("short.docx", docx_cut_short())
    assert (error.code, error.messages) == ("damaged", [DAMAGED_DOCUMENT])


def test_an_opendocument_s_mimetype_entry_is_not_unzipped_beyond_the_limit(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNZIPPED_BYTES", 1_000_000)
    read = []
    original = zipfile.ZipFile.read

    def measured(self, name, pwd=None):
        data = original(self, name, pwd)
        read.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipFile, "read", measured)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text" + b" " * 5_000_000)
        archive.writestr("content.xml", "<text:p>x</text:p>")
    assert len(buffer.getvalue()) < 10_000
    error = refusal("bomb.odt", buffer.getvalue())
    # Not an OpenDocument file (its "mimetype" is no such thing), and nothing was unzipped.
    assert error.code == "wrong_type"
    assert max(read, default=0) <= 1_000_000


# --- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("Report.PDF", "pdf", "Report.pdf"),
        ("  Notes   from  March .pdf ", "pdf", "Notes from March.pdf"),
        ("Case: review?*.pdf", "pdf", "Case_ review.pdf"),
        ("no extension", "pdf", "no extension.pdf"),
        ("Minutes 12.03", "pdf", "Minutes 12.03.pdf"),
        ("v1.2 draft.docx", "docx", "v1.2 draft.docx"),
        ("photo.jpeg", "png", "photo.png"),
        ("photo.JPG", "jpeg", "photo.jpg"),
        ("photo.png", "jpeg", "photo.jpg"),
        ("notes.pdf", "odt", "notes.odt"),
        ("Протокол встречи.pdf", "pdf", "Протокол встречи.pdf"),
        (
            "Smith & Jones (draft) [v2], final+1.pdf",
            "pdf",
            "Smith & Jones (draft) [v2], final+1.pdf",
        ),
        ("___.pdf", "pdf", "document.pdf"),
        ("a" * 200 + ".pdf", "pdf", "a" * 150 + ".pdf"),
        ("a" * 149 + " b.pdf", "pdf", "a" * 149 + ".pdf"),
    ],
)
def test_a_name_is_cleaned_and_ends_in_the_kind_s_extension(raw, kind, expected):
    assert clean_file_name(raw, KINDS[kind]) == expected


def test_a_decomposed_accent_is_composed():
    assert clean_file_name(unicodedata.normalize("NFD", "Résumé.pdf"), PDF) == "Résumé.pdf"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("\u202efdp.exe", id="right-to-left-override"),
        pytest.param("report\u202egnp.pdf", id="right-to-left-override-inside"),
        pytest.param("a\x00b.pdf", id="nul"),
        pytest.param("tab\there.pdf", id="tab"),
        pytest.param("line\nbreak.pdf", id="newline"),
        pytest.param("bell\x07.pdf", id="bell"),
        pytest.param("zero\u200bwidth.pdf", id="zero-width-space"),
        pytest.param("line\u2028separator.pdf", id="line-separator"),
        pytest.param("private\ue000use.pdf", id="private-use"),
        pytest.param("a\\b.pdf", id="backslash"),
        pytest.param("../../etc/passwd.pdf", id="slash"),
        pytest.param(".", id="dot"),
        pytest.param("..", id="dot-dot"),
    ],
)
def test_a_name_with_hidden_characters_or_folders_is_refused(raw):
    error = name_refusal(raw)
    assert (error.code, error.messages) == ("odd_name", [ODD_NAME])


@pytest.mark.parametrize("raw", [".pdf", " .PDF", "...pdf", ". .docx"])
def test_a_name_that_is_only_an_extension_is_refused(raw):
    error = name_refusal(raw)
    assert (error.code, error.messages) == ("odd_name", [ONLY_EXTENSION])


@pytest.mark.parametrize("raw", ["", "   "])
def test_no_name_is_refused(raw):
    error = name_refusal(raw)
    assert (error.code, error.messages) == ("odd_name", [NO_NAME])


@pytest.mark.parametrize(
    ("raw", "extension"),
    [("archive.tar.gz", ".gz"), ("report.pdf.exe", ".exe"), ("Logo.SVG", ".svg")],
)
def test_a_name_claiming_another_kind_is_refused(raw, extension):
    error = name_refusal(raw)
    assert (error.code, error.messages) == (
        "wrong_type",
        [
            f"The file's name ends in “{extension}”, but it is a PDF. Rename it to end in .pdf "
            "(if that is right) and choose it again."
        ],
    )


def test_an_old_word_name_on_a_new_word_document_says_which_extension_is_right():
    error = name_refusal("letter.doc", KINDS["docx"])
    assert error.messages == [
        "The file's name ends in “.doc”, but it is a Word document. Rename it to end in .docx "
        "(if that is right) and choose it again."
    ]


def test_odd_names_are_refused_through_inspect_upload_too():
    error = refusal("\u202efdp.exe", pdf())
    assert (error.code, error.messages) == ("odd_name", [ODD_NAME])
    error = refusal("a\x00b.pdf", pdf())
    assert (error.code, error.messages) == ("odd_name", [ODD_NAME])
    error = refusal(".pdf", pdf())
    assert (error.code, error.messages) == ("odd_name", [ONLY_EXTENSION])
    error = refusal("a\\b.pdf", pdf())
    assert (error.code, error.messages) == ("odd_name", [ODD_NAME])


HIDDEN = ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


@hypothesis_settings(max_examples=500, deadline=None)
@given(raw=st.text(max_size=300), kind=st.sampled_from(sorted(KINDS)))
@example(raw="\u202efdp.exe", kind="pdf")
@example(raw=".pdf", kind="pdf")
@example(raw="a" * 300, kind="jpeg")
@example(raw="_.jpeg", kind="jpeg")
@example(raw="x.JPEG", kind="jpeg")
@example(raw="ß" * 151, kind="pdf")
@example(raw="\u200c", kind="docx")
@example(raw="a\u200c.\u200db\u200c", kind="pdf")
def test_a_cleaned_name_is_always_safe(raw, kind):
    try:
        name = clean_file_name(raw, KINDS[kind])
    except UploadRejected as error:
        assert error.code in ("odd_name", "wrong_type")
        return
    assert "/" not in name
    assert "\\" not in name
    # Nothing hidden, but a joiner between two letters (a Persian name keeps its ZWNJ).
    shown = re.sub(r"(?<=[^\W_])[\u200c\u200d]+(?=[^\W_])", "", name)
    assert not [char for char in shown if unicodedata.category(char) in HIDDEN]
    assert name.endswith(KINDS[kind].extensions)
    assert len(name) <= 150 + 5
    assert name not in KINDS[kind].extensions
    stem = name.rpartition(".")[0]
    assert stem == stem.strip(" ._-")
    assert stem


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    stem=st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=150),
    kind=st.sampled_from(sorted(KINDS)),
)
def test_a_plain_name_with_the_right_extension_is_kept_as_it_is(stem, kind):
    name = f"{stem}{KINDS[kind].extensions[0]}"
    assert clean_file_name(name, KINDS[kind]) == name


# --- the result is kept on the upload -------------------------------------------------------------


def test_the_result_is_kept_on_the_upload_for_the_same_kinds(monkeypatch):
    calls = []
    reader = uploads._READERS["pdf"]

    def counted(data, **kwargs):
        calls.append(len(data))
        return reader(data, **kwargs)

    monkeypatch.setitem(uploads._READERS, "pdf", counted)
    file = upload("once.pdf", pdf("Read once"))
    first = inspect_upload(file, kinds=DOCUMENT_KINDS)
    again = inspect_upload(file, kinds=DOCUMENT_KINDS)
    assert again is first
    assert len(calls) == 1
    other = inspect_upload(file, kinds=("pdf",))
    assert other == first
    assert len(calls) == 2  # other kinds: checked again


def test_a_result_kept_for_other_kinds_does_not_let_a_picture_through():
    file = upload("photo.png", image("PNG"))
    assert inspect_upload(file).kind.key == "png"
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(file, kinds=("pdf",))
    assert caught.value.code == "wrong_type"


def test_a_refusal_is_a_validation_error_with_its_code():
    error = refusal("empty.pdf", b"")
    assert isinstance(error, ValidationError)
    assert error.code == "empty"


# --- labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "label"),
    [
        ("application/pdf", "PDF"),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word document",
        ),
        ("application/vnd.oasis.opendocument.text", "OpenDocument text"),
        ("image/jpeg", "JPEG picture"),
        ("image/png", "PNG picture"),
        ("image/gif", "GIF picture"),
        ("image/webp", "WebP picture"),
        ("text/plain", "File"),
        ("", "File"),
    ],
)
def test_kind_label(content_type, label):
    assert kind_label(content_type) == label


@pytest.mark.parametrize(
    ("kinds", "description"),
    [
        (("pdf",), "PDF"),
        (("pdf", "png"), "PDF or PNG picture"),
        (CERTIFICATE_KINDS, "PDF, JPEG picture, PNG picture or WebP picture"),
        (DOCUMENT_KINDS, ALL),
    ],
)
def test_accepted_description(kinds, description):
    assert accepted_description(kinds) == description


# --- the form field -----------------------------------------------------------------------------


class DocumentForm(forms.Form):
    file = CheckedFileField()


class CertificateForm(forms.Form):
    file = CheckedFileField(kinds=CERTIFICATE_KINDS)


def test_the_field_asks_for_a_file_when_none_is_chosen():
    form = DocumentForm(data={}, files={})
    assert not form.is_valid()
    assert form.errors["file"] == ["Choose a file."]
    assert form.errors.as_data()["file"][0].code == "required"


def test_the_field_refuses_an_empty_file():
    form = DocumentForm(data={}, files={"file": upload("empty.pdf", b"")})
    assert not form.is_valid()
    assert form.errors["file"] == [EMPTY]


def test_the_field_gives_the_checked_upload():
    form = DocumentForm(data={}, files={"file": upload("Minutes 12.03", pdf("Agenda"))})
    assert form.is_valid(), form.errors
    checked = form.cleaned_data["file"].checked
    assert (checked.kind.key, checked.name, checked.text) == (
        "pdf",
        "Minutes 12.03.pdf",
        "Agenda\n",
    )


def test_the_field_shows_why_a_file_is_refused():
    form = DocumentForm(data={}, files={"file": upload("report.pdf", b"MZ\x90\x00" + b"\0" * 200)})
    assert not form.is_valid()
    assert form.errors["file"] == [PROGRAM]
    assert form.errors.as_data()["file"][0].code == "wrong_type"


def test_the_certificate_field_refuses_a_word_document():
    form = CertificateForm(data={}, files={"file": upload("hours.docx", docx("Hours"))})
    assert not form.is_valid()
    assert form.errors.as_data()["file"][0].code == "wrong_type"


def test_an_optional_field_left_empty_is_not_checked():
    field = CheckedFileField(required=False)
    assert field.clean(None) is None


@pytest.mark.parametrize(
    ("form", "accept", "help_text"),
    [
        (DocumentForm, ".docx,.gif,.jpeg,.jpg,.odt,.pdf,.png,.webp", f"{ALL}, up to 10.0\xa0MB."),
        (
            CertificateForm,
            ".jpeg,.jpg,.pdf,.png,.webp",
            "PDF, JPEG picture, PNG picture or WebP picture, up to 10.0\xa0MB.",
        ),
    ],
)
def test_the_file_input_offers_only_the_kinds_it_takes(form, accept, help_text):
    field = form().fields["file"]
    assert field.widget.attrs["accept"] == accept
    assert field.help_text == help_text
    assert f'accept="{accept}"' in str(form()["file"])


# --- every word a colleague would read passes the guard -----------------------------------------


def test_the_words_of_headers_footers_comments_and_properties_are_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><w:p><w:t>Body</w:t></w:p></w:document>")
        archive.writestr("word/header1.xml", "<w:hdr><w:p><w:t>Header words</w:t></w:p></w:hdr>")
        archive.writestr("word/footer2.xml", "<w:ftr><w:p><w:t>Footer words</w:t></w:p></w:ftr>")
        archive.writestr(
            "word/comments.xml", "<w:comments><w:p><w:t>A comment</w:t></w:p></w:comments>"
        )
        archive.writestr(
            "docProps/core.xml",
            "<cp:coreProperties><dc:creator>An author</dc:creator></cp:coreProperties>",
        )
    words = check("parts.docx", buffer.getvalue()).text

    assert {"Body", "Header words", "Footer words", "A comment", "An author"} <= set(
        words.splitlines()
    )


def test_the_properties_and_comments_of_a_pdf_are_read():
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf("Page words"))).pages:
        writer.add_page(page)
    writer.add_metadata({"/Author": "Maria Lopez", "/Title": "Intake"})
    buffer = io.BytesIO()
    writer.write(buffer)

    words = check("meta.pdf", buffer.getvalue()).text

    assert {"Page words", "Intake", "Maria Lopez"} <= set(words.splitlines())


def test_a_pdf_whose_pages_draw_more_than_a_document_does_is_refused_quickly(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PDF_CONTENT_BYTES", 2_000)
    error = refusal("busy.pdf", pdf(*["A line of an ordinary page."] * 40, pages=3))
    assert error.code == "too_long"


def test_a_photo_that_records_where_it_was_taken_is_refused():
    image_ = Image.new("RGB", (8, 8), "teal")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 44.0, 0.0)}
    buffer = io.BytesIO()
    image_.save(buffer, "JPEG", exif=exif)

    error = refusal("where.jpg", buffer.getvalue())

    assert error.code == "location"


def test_the_words_in_a_photos_description_are_read():
    image_ = Image.new("RGB", (8, 8), "teal")
    exif = Image.Exif()
    exif[0x010E] = "Session with Maria Lopez"
    buffer = io.BytesIO()
    image_.save(buffer, "JPEG", exif=exif)

    assert check("described.jpg", buffer.getvalue()).text == "Session with Maria Lopez"


def test_a_certificate_is_only_checked_to_be_whole_not_read():
    checked = uploads.inspect_upload(
        upload("certificate.pdf", pdf("Certificate of attendance")),
        kinds=uploads.CERTIFICATE_KINDS,
        words=False,
    )
    assert (checked.kind.key, checked.text) == ("pdf", "")


def test_zero_width_joiners_in_a_persian_name_are_kept():
    name = "\u0646\u0627\u0645\u0647\u200c\u0647\u0627.pdf"  # "letters", with a ZWNJ
    assert uploads.clean_file_name(name, uploads.KINDS["pdf"]) == name
