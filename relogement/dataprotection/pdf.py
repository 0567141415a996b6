"""PDF documents of the data-protection tools, rendered by WeasyPrint from a template.

The templates carry their own style sheet (a PDF is no page: the Content-Security-Policy of the site
does not apply to it) and reference nothing outside themselves: the fetcher refuses every URL, so a
document never makes the server request anything, whatever text a household file holds. WeasyPrint
needs Pango and HarfBuzz (``libharfbuzz-subset0`` on Debian, see README).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string


def render_document(template: str, context: dict):
    """The laid-out WeasyPrint document (its pages' boxes hold the text the PDF prints)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context)
    # No protocol allowed: nothing is fetched, not even a file of the server.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).render()


def render_pdf(template: str, context: dict) -> bytes:
    return render_document(template, context).write_pdf()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
