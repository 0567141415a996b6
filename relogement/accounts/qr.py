"""QR codes drawn here (segno), never by an outside service: the code carries the secret key."""

import io

import segno


def qr_svg(text: str, *, title: str) -> bytes:
    """An SVG image of ``text`` (black on white, with a quiet zone), with a title for screen readers."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer, kind="svg", scale=5, border=4, dark="#000", light="#fff", xmldecl=False, title=title
    )
    return buffer.getvalue()
