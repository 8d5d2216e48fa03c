"""Regenerate examples/briefing.pdf, a fictional two-page policy briefing used by claimgraph's tests and demo.

    python examples/make_briefing_pdf.py [OUT]

The institute, the author, the sources and every figure are invented. Planted for the audit: the figure
"about 1,200 families were displaced" in the second paragraph has no citation (claim.uncited_figure).
The output is byte-for-byte reproducible (reportlab's invariant mode and a fixed creation date).
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

TITLE = "Drought, Water and Displacement in the Helmand Basin"
AUTHOR = "Leila Rahimi"
CREATED = "D:20240605090000+04'30'"  # the PDF's own creation date, in PDF date syntax

BODY = [
    "Three dry winters in a row have left the lower Helmand river below its seasonal level for most of "
    "the past year. The shortfall reaches the Hamoun wetlands on the Iranian side of the border last, "
    "and the wetlands have shrunk to a fraction of their extent in a normal spring [1]. Farmers in "
    "Nimruz province report that canals built to carry river water to their fields now run dry by "
    "early summer [2].",
    "The loss of water is already moving people. In Zaranj district, about 1,200 families were "
    "displaced between January and April 2024, most of them towards the provincial capital. Many "
    "of them have sold livestock to pay for the move, and local officials expect more departures if "
    "the spring rains fail again.",
    "The 1973 water treaty between Afghanistan and Iran sets the volume the river should deliver "
    "in a normal year, but it says little about drought years. Iranian officials have asked for "
    "talks on a sharing rule for dry years, while Afghan authorities point to new irrigation works "
    "upstream as a matter of national development [3].",
    "Humanitarian agencies have begun to register displaced households in Zaranj and to truck water "
    "to the worst-hit villages. Their appeal for the basin is less than a third funded, according to "
    "the latest coordination update [4].",
]

RECOMMENDATIONS = [
    "Both governments should agree on an interim sharing rule for drought years before the next "
    "irrigation season.",
    "Donors should fund water trucking and cash assistance in Nimruz until the next harvest.",
]

REFERENCES = [
    "[1] Basin Watch (12 February 2024). Satellite images show Hamoun wetlands at a record low. "
    "https://basinwatch.example/2024/02/12/hamoun-wetlands-record-low",
    "[2] Nimruz Weekly (3 March 2024). Canals run dry as farmers wait for the river. "
    "https://nimruzweekly.example/2024/03/03/canals-run-dry",
    "[3] Regional Affairs Review (21 April 2024). Tehran seeks talks on Helmand water sharing. "
    "https://regionalaffairs.example/2024/04/21/helmand-water-talks",
    "[4] Relief Coordination Update (20 May 2024). Helmand basin drought response, update no. 3. "
    "https://reliefupdates.example/helmand-basin/update-3",
]


def build(out: Path) -> None:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("Body", parent=styles["BodyText"], fontSize=10.5, leading=14, spaceAfter=8)
    small = ParagraphStyle("Small", parent=styles["Normal"], fontSize=10, leading=13)
    reference = ParagraphStyle("Reference", parent=small, leftIndent=18, firstLineIndent=-18, spaceAfter=4)

    story = [
        Paragraph(TITLE, styles["Title"]),
        Paragraph(f"By {AUTHOR}, Centre for Border and Water Studies (a fictional institute)", small),
        Paragraph("5 June 2024", small),
        Spacer(1, 0.5 * cm),
        Paragraph("Summary", styles["Heading2"]),
        *(Paragraph(text, body) for text in BODY),
        Paragraph("Recommendations", styles["Heading2"]),
        *(Paragraph(f"{k}. {text}", body) for k, text in enumerate(RECOMMENDATIONS, 1)),
        Paragraph("References", styles["Heading2"]),
        *(Paragraph(text, reference) for text in REFERENCES),
    ]

    def fix_date(canvas: Canvas, _doc: object) -> None:
        canvas.setDateFormatter(lambda *_: CREATED)

    doc = SimpleDocTemplate(str(out), pagesize=A4, title=TITLE, author=AUTHOR,
                            subject="Policy briefing", creator="claimgraph examples", invariant=1)
    doc.build(story, onFirstPage=fix_date, onLaterPages=fix_date)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("briefing.pdf"))
