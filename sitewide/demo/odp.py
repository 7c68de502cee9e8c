"""A small, valid OpenDocument presentation (.odp): one slide per line of text, the demo's slides."""

import io
import zipfile
from xml.sax.saxutils import escape

MIMETYPE = "application/vnd.oasis.opendocument.presentation"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'office:version="1.3"'
)
MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="{MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {NAMESPACES}>
 <office:automatic-styles>
  <style:page-layout style:name="screen"><style:page-layout-properties fo:page-width="28cm"
   fo:page-height="15.75cm" style:print-orientation="landscape"/></style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Default" style:page-layout-name="screen"/>
 </office:master-styles>
</office:document-styles>
"""


def _frame(text, y, height, size):
    return (
        f'<draw:frame svg:x="2cm" svg:y="{y}cm" svg:width="24cm" svg:height="{height}cm">'
        f'<draw:text-box><text:p><text:span text:style-name="{size}">{escape(text)}</text:span>'
        "</text:p></draw:text-box></draw:frame>"
    )


def minimal_odp(title, slides):
    """Return the bytes of a presentation: a title slide, then one slide per item of ``slides``,
    each a (heading, text) pair."""
    pages = [(title, "")] + list(slides)
    body = "".join(
        f'<draw:page draw:name="page{number}" draw:master-page-name="Default">'
        + _frame(heading, 2, 3, "heading")
        + (_frame(text, 6, 7, "body") if text else "")
        + "</draw:page>"
        for number, (heading, text) in enumerate(pages, start=1)
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {NAMESPACES}>'
        "<office:automatic-styles>"
        '<style:style style:name="heading" style:family="text"><style:text-properties fo:font-size="32pt" '
        'fo:font-weight="bold"/></style:style>'
        '<style:style style:name="body" style:family="text"><style:text-properties fo:font-size="20pt"/>'
        "</style:style></office:automatic-styles>"
        f"<office:body><office:presentation>{body}</office:presentation></office:body>"
        "</office:document-content>\n"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        # The type first and uncompressed, as the format requires: that is how tools recognise it.
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for name, text in (
            ("META-INF/manifest.xml", MANIFEST),
            ("styles.xml", STYLES),
            ("content.xml", content),
        ):
            archive.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
