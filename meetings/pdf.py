"""The few reportlab pieces PeerCircle's PDFs are made of: an A4 document, escaped paragraphs,
tables with a bold header. reportlab is imported on first use: it is heavy and only PDFs need it.
"""

import io
from html import escape

MM = 72 / 25.4  # reportlab's unit is the point


class PdfDocument:
    """A PDF being written: ``add`` paragraphs, tables and space, then ``render`` the bytes."""

    def __init__(self, *, title: str, subject: str, landscape: bool = False):
        from reportlab.lib.pagesizes import A4  # lazy: see the module's docstring
        from reportlab.lib.pagesizes import landscape as turned  # lazy: as above
        from reportlab.lib.styles import getSampleStyleSheet  # lazy: as above
        from reportlab.platypus import SimpleDocTemplate  # lazy: as above

        self.styles = getSampleStyleSheet()
        self._buffer = io.BytesIO()
        self._doc = SimpleDocTemplate(
            self._buffer,
            pagesize=turned(A4) if landscape else A4,
            leftMargin=15 * MM,
            rightMargin=15 * MM,
            topMargin=15 * MM,
            bottomMargin=15 * MM,
            title=title,
            author="PeerCircle",
            subject=subject,
        )
        self.width = self._doc.width
        self._story: list = []

    def para(self, text: str, style: str = "BodyText"):
        """A paragraph of plain text (reportlab reads markup: every value is escaped)."""
        from reportlab.platypus import Paragraph  # lazy: see the module's docstring

        return Paragraph(escape(str(text), quote=False), self.styles[style])

    def add(self, *flowables) -> None:
        self._story.extend(flowables)

    def text(self, text: str, style: str = "BodyText") -> None:
        self.add(self.para(text, style))

    def space(self, millimetres: float) -> None:
        from reportlab.platypus import Spacer  # lazy: see the module's docstring

        self.add(Spacer(1, millimetres * MM))

    def table(
        self, rows: list[list], widths: list[float | None], *, grid: bool = False, height=None
    ) -> None:
        """A table whose first row is its header (repeated on each page); every cell a
        paragraph, so long names wrap. ``grid`` draws every line (a sheet to write on);
        ``height`` fixes the body rows' height (room for a signature), in millimetres."""
        from reportlab.lib import colors  # lazy: see the module's docstring
        from reportlab.platypus import Table, TableStyle  # lazy: as above

        header, *body = rows
        cells = [[self.para(value, "Heading5") for value in header]]
        cells += [[self.para(value) for value in row] for row in body]
        row_heights = None
        if height is not None:
            row_heights = [None] + [height * MM] * len(body)
        table = Table(
            cells,
            colWidths=[w * MM if w else None for w in widths],
            rowHeights=row_heights,
            repeatRows=1,
        )
        style = [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE" if grid else "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
        ]
        if grid:
            style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555c63")))
        table.setStyle(TableStyle(style))
        self.add(table)

    def render(self) -> bytes:
        self._doc.build(self._story)
        return self._buffer.getvalue()
