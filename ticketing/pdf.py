"""Badge and receipt PDFs as documents: WeasyPrint lays HTML out, pikepdf joins the pieces.

The only module that imports WeasyPrint or pikepdf. It imports nothing from Django, so the
worker processes of a bulk render start with WeasyPrint alone and take plain data: an HTML
string in, PDF bytes out. Fonts, the stylesheet and the QR fetcher are loaded once per
process.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from functools import lru_cache, partial

import qrcode
from PIL import Image

QR_SCHEME = "qr:"
MAX_PROCESSES = 4  # each worker holds WeasyPrint and a chunk's layout: about 150 MB

# WeasyPrint logs every rendering step at INFO; a bulk sheet would flood the log. pikepdf
# says hello at INFO on import.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("pikepdf").setLevel(logging.WARNING)


def qr_png(secret: str) -> bytes:
    """A PNG of a QR code holding only ``secret``, one pixel per module."""
    # A 28-character secret always fits version 2 at level M (alphanumeric mode). Fixing the
    # version and mask skips qrcode's trial of all eight masks: a third of the time per badge.
    fits = len(secret) <= 38 and secret.isalnum() and secret.isupper()
    code = qrcode.QRCode(
        version=2 if fits else None,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=1,
        border=4,
        mask_pattern=4 if fits else None,
    )
    code.add_data(secret)
    code.make(fit=not fits)
    # The image straight from the module matrix: qrcode's own image draws a rectangle per
    # module, which took half the QR code's time (the PNG is the same, byte for byte).
    modules = code.get_matrix()
    size = len(modules)
    pixels = bytes(0 if dark else 255 for row in modules for dark in row)
    buffer = io.BytesIO()
    Image.frombytes("L", (size, size), pixels).convert("1").save(buffer, format="PNG")
    return buffer.getvalue()


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@lru_cache(maxsize=4)
def _stylesheet(path: str):
    """The stylesheet at ``path``, parsed once per process."""
    from weasyprint import CSS

    with open(path, encoding="utf-8") as handle:
        return CSS(string=handle.read(), font_config=_font_config())


@lru_cache(maxsize=1)
def _fetcher():
    """WeasyPrint's URL fetcher for badges: draws ``qr:SECRET`` itself and fetches nothing else.

    Drawing the QR code here, rather than passing a data: URI, skips WeasyPrint's
    MIME-header parsing of each image, which costs more than drawing the code.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PngResponse(URLFetcherResponse):
        content_type = "image/png"
        charset = None

    class BadgeFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(QR_SCHEME):
                return PngResponse(url, qr_png(url[len(QR_SCHEME) :]))
            raise ValueError("badges fetch nothing from outside")

    return BadgeFetcher()


@dataclass(frozen=True)
class Line:
    """One line of text as set: its width, and how far its fonts reach above and below its baseline (points)."""

    width: float
    ascent: float
    descent: float


def text_lines(
    text: str, *, family: str, bold: bool, size: float, width: float, lang: str, break_words: bool = False
) -> list[Line]:
    """The lines ``text`` takes when set ``size`` points high in a box ``width`` points wide, as
    the PDF sets it: by WeasyPrint's text engine (Pango), with the fonts fontconfig gives WeasyPrint
    for ``family`` and, for characters they lack, the same fallbacks.

    Lines break where words may break (spaces, after hyphens, between CJK characters), so a line
    wider than ``width`` holds a word that does not fit; with ``break_words`` (CSS's
    ``overflow-wrap: anywhere``) a word too long for a line is broken too.
    """
    from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, gobject, pango, unicode_to_char_p

    px = 4 / 3  # WeasyPrint sets text in CSS pixels, four of them to three points
    context = ffi.gc(pango.pango_font_map_create_context(_font_config().font_map), gobject.g_object_unref)
    pango.pango_context_set_round_glyph_positions(context, False)  # as WeasyPrint does
    language, _ = unicode_to_char_p(lang)
    pango.pango_context_set_language(context, pango.pango_language_from_string(language))
    font = ffi.gc(pango.pango_font_description_new(), pango.pango_font_description_free)
    families, _ = unicode_to_char_p(family)
    pango.pango_font_description_set_family(font, families)
    pango.pango_font_description_set_weight(font, 700 if bold else 400)
    pango.pango_font_description_set_absolute_size(font, int(size * px * TO_UNITS))
    layout = ffi.gc(pango.pango_layout_new(context), gobject.g_object_unref)
    pango.pango_layout_set_font_description(layout, font)
    pango.pango_layout_set_width(layout, int(width * px * TO_UNITS))
    pango.pango_layout_set_wrap(layout, pango.PANGO_WRAP_WORD_CHAR if break_words else pango.PANGO_WRAP_WORD)
    characters, encoded = unicode_to_char_p(text)
    pango.pango_layout_set_text(layout, characters, -1)
    if break_words:  # as WeasyPrint breaks a word: with no hyphen added
        attributes = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        no_hyphens = pango.pango_attr_insert_hyphens_new(False)
        no_hyphens.start_index, no_hyphens.end_index = 0, len(encoded)
        pango.pango_attr_list_change(attributes, no_hyphens)
        pango.pango_layout_set_attributes(layout, attributes)
    extents = ffi.new("PangoRectangle *")
    lines = []
    while (line := pango.pango_layout_get_line_readonly(layout, len(lines))) != ffi.NULL:
        pango.pango_layout_line_get_extents(line, ffi.NULL, extents)
        ascent = -extents.y * FROM_UNITS / px
        lines.append(Line(extents.width * FROM_UNITS / px, ascent, extents.height * FROM_UNITS / px - ascent))
    return lines


def render(html: str, *, stylesheet: str, base_url: str) -> bytes:
    """One HTML document (a badge sheet, a receipt) as tagged PDF bytes, styled by the CSS file at
    ``stylesheet``. It fetches nothing from outside but ``qr:`` codes."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url, url_fetcher=_fetcher()).write_pdf(
        stylesheets=[_stylesheet(stylesheet)], font_config=_font_config(), pdf_tags=True
    )


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _pool_context():
    """Worker processes that start clean (no copy of the caller's database connections or
    threads): forked from a fork server that has imported WeasyPrint once, else spawned."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__, "weasyprint"])
        return context
    return multiprocessing.get_context("spawn")


def render_all(htmls: list[str], *, stylesheet: str, base_url: str, processes: int = 1) -> list[bytes]:
    """Each HTML document as PDF bytes, in order, in up to ``processes`` worker processes.

    Raises whatever the layout raised, or BrokenProcessPool if a worker died.
    """
    work = partial(render, stylesheet=stylesheet, base_url=base_url)
    processes = min(processes, len(htmls))
    if processes <= 1:
        return [work(html) for html in htmls]
    pool = ProcessPoolExecutor(max_workers=processes, mp_context=_pool_context())
    try:
        return list(pool.map(work, htmls))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def join(pdfs: list[bytes]) -> bytes:
    """One PDF of every page of ``pdfs`` (one or more) in order, keeping their tags and bookmarks.

    The documents must be WeasyPrint's tagged output of one template: the first one's
    title, language and viewer preferences stand for the whole.
    """
    import pikepdf

    if len(pdfs) == 1:
        return pdfs[0]
    with ExitStack() as open_files:  # sources stay open until saved: copies are read lazily
        out = open_files.enter_context(pikepdf.new())
        document = None  # the joined tree's one /Document element
        parent_tree = pikepdf.Array()  # a page's StructParents key, then that page's elements
        next_key = 0
        for data in pdfs:
            source = open_files.enter_context(pikepdf.open(io.BytesIO(data)))
            first_page = len(out.pages)
            out.pages.extend(source.pages)
            for page in out.pages[first_page:]:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + next_key
            # Copying maps each object once per source, so the /Pg and /K references inside
            # copied elements point at the pages and elements already copied.
            tree = source.Root.StructTreeRoot
            top = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
            if document is None:
                for key in ("/Lang", "/ViewerPreferences", "/MarkInfo"):
                    if key in source.Root:
                        out.Root[key] = out.copy_foreign(source.make_indirect(source.Root[key]))
                for key, value in source.docinfo.items():
                    out.docinfo[key] = value
                version = source.pdf_version
                del top["/P"]  # copy the element, not the whole source tree through its parent
                document = out.copy_foreign(top)
                kids = list(document.K)
            else:
                kids = []
                for kid in top.K:
                    del kid["/P"]
                    kids.append(out.copy_foreign(kid))
                    document.K.append(kids[-1])
            for kid in kids:
                kid.P = document
            nums = tree.ParentTree.Nums
            keys = [int(nums[index]) for index in range(0, len(nums), 2)]
            for index, key in enumerate(keys):
                parent_tree.append(key + next_key)
                parent_tree.append(out.copy_foreign(source.make_indirect(nums[2 * index + 1])))
            next_key += max(keys, default=-1) + 1
            _copy_outline(source, out, first_page)
        root = out.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructTreeRoot,
                K=pikepdf.Array([document]),
                ParentTree=out.make_indirect(pikepdf.Dictionary(Nums=parent_tree)),
                ParentTreeNextKey=next_key,
            )
        )
        if "/NS" in document:
            root.Namespaces = pikepdf.Array([document.NS])
        document.P = root
        out.Root.StructTreeRoot = root
        buffer = io.BytesIO()
        out.save(
            buffer, min_version=version, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True
        )
    return buffer.getvalue()


def _copy_outline(source, out, first_page: int) -> None:
    """Append ``source``'s bookmarks (one per attendee's name) to ``out``'s, pointing at the
    same pages there."""
    import pikepdf

    page_numbers = {page.objgen: number for number, page in enumerate(source.pages)}

    def copy(item):
        destination = item.destination
        if isinstance(destination, pikepdf.Array) and len(destination) and destination[0].objgen in page_numbers:
            page = out.pages[first_page + page_numbers[destination[0].objgen]]
            destination = pikepdf.Array([page.obj, *list(destination)[1:]])
        else:
            destination = None
        copied = pikepdf.OutlineItem(str(item.title), destination=destination)
        copied.children.extend(copy(child) for child in item.children)
        return copied

    with source.open_outline() as outline:
        items = [copy(item) for item in outline.root]
    with out.open_outline() as joined:
        joined.root.extend(items)
