"""The text a PDF of the data-protection tools prints, read from WeasyPrint's laid-out pages (no PDF
parser is installed; this is the layout the PDF is written from)."""

from relogement.dataprotection.pdf import render_document


def _texts(box):
    text = getattr(box, "text", None)
    if isinstance(text, str):
        yield text
    for child in getattr(box, "children", ()):
        yield from _texts(child)


def pdf_text(template: str, context: dict) -> str:
    document = render_document(template, context)
    return " ".join(" ".join(_texts(page._page_box)) for page in document.pages)
