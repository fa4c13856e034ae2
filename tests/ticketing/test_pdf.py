"""Making badge PDFs: WeasyPrint's documents laid out in worker processes and joined in order; text measured as set."""

import ctypes
import io
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from django.conf import settings

from ticketing import pdf

STYLESHEET = str(Path(settings.BASE_DIR) / "templates" / "ticketing" / "badge.css")
BASE_URL = str(settings.BASE_DIR)


def html(*names: str) -> str:
    pages = "".join(f'<div class="sheet"><h1>{name}</h1><p>Order</p></div>' for name in names)
    return f'<!DOCTYPE html><html lang="en-GB"><head><title>Badges</title></head><body class="a6">{pages}</body></html>'


def test_render_all_in_worker_processes_keeps_the_order():
    documents = [html("Ada"), html("Bea", "Cyd"), html("Dot")]

    pdfs = pdf.render_all(documents, stylesheet=STYLESHEET, base_url=BASE_URL, processes=2)

    assert [len(pdfium.PdfDocument(data)) for data in pdfs] == [1, 2, 1]
    assert [pdfium.PdfDocument(data)[0].get_textpage().get_text_range().split()[0] for data in pdfs] == [
        "Ada",
        "Bea",
        "Dot",
    ]


def test_join_keeps_one_structure_tree_that_points_at_the_joined_pages():
    parts = [pdf.render(html(*names), stylesheet=STYLESHEET, base_url=BASE_URL) for names in [("Ada", "Bea"), ("Cyd",)]]

    joined = pikepdf.open(io.BytesIO(pdf.join(parts)))
    root = joined.Root.StructTreeRoot
    pages = [page.obj.objgen for page in joined.pages]
    keys = [int(page.obj.StructParents) for page in joined.pages]
    nums = root.ParentTree.Nums
    marked = {int(nums[i]): [element.Pg.objgen for element in nums[i + 1]] for i in range(0, len(nums), 2)}

    assert len(pages) == 3
    assert keys == [0, 1, 2]
    assert int(root.ParentTreeNextKey) == 3
    assert all(set(marked[key]) == {pages[n]} for n, key in enumerate(keys))  # each page's marks are its own
    assert [str(kid.S) for kid in root.K[0].K] == ["/Div", "/Div", "/Div"]  # one Document, a sheet per page
    assert all(kid.P.objgen == root.K[0].objgen for kid in root.K[0].K)
    assert str(joined.Root.Lang) == "en-GB"
    assert bool(joined.Root.MarkInfo.Marked)


def test_join_of_one_document_is_that_document():
    only = pdf.render(html("Ada"), stylesheet=STYLESHEET, base_url=BASE_URL)

    assert pdf.join([only]) == only


def inked_lines(textpage) -> list[float]:
    """The inked width of each line of a PDF page's text, top to bottom: its characters grouped
    by the baseline they stand on."""
    x, y = ctypes.c_double(), ctypes.c_double()
    lines: dict[float, list[float]] = {}
    for index in range(textpage.count_chars()):
        if textpage.get_text_range(index, 1).isspace():
            continue
        pdfium.raw.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y))
        left, _, right, _ = textpage.get_charbox(index)
        lines.setdefault(round(y.value, 1), []).extend([left, right])
    return [max(edges) - min(edges) for _, edges in sorted(lines.items(), reverse=True)]


@pytest.mark.parametrize(
    ("text", "bold", "size", "break_words"),
    [
        ("Maria Magdalena Fernández-Oyelaran de la Cruz Montgomery-Wainwright", True, 17, False),
        ("A" * 60, True, 17.5, True),
        ("Wolfeschlegelsteinhausenbergerdorff Featherstonehaugh-Cholmondeley", True, 11.5, False),
        ("阿卜杜拉·本·阿卜杜勒-阿齐兹·阿勒沙特·欧阳娜娜·司马相如", True, 20, False),
        ("عبد الرحمن بن محمد بن عبد الله الحسيني الهاشمي القرشي", True, 23.5, False),
        ("THEY/THEM/THEIRS/THEMSELVES, WE/US/OURS", False, 12, True),
    ],
)
def test_text_lines_breaks_and_measures_text_as_the_pdf_sets_it(tmp_path, text, bold, size, break_words):
    width = 263.6
    stylesheet = tmp_path / "text.css"
    stylesheet.write_text(
        f"@page {{ size: A5; margin: 0 }} body {{ margin: 0 }} p {{ margin: 0; width: {width}pt; "
        f"font: {'bold' if bold else 'normal'} {size}pt 'Liberation Sans', 'DejaVu Sans', sans-serif; "
        f"overflow-wrap: {'anywhere' if break_words else 'normal'} }}"
    )
    document = f'<!DOCTYPE html><html lang="en-GB"><head><title>Text</title></head><body><p>{text}</p></body></html>'

    lines = pdf.text_lines(
        text, family="Liberation Sans,DejaVu Sans,sans-serif", bold=bold, size=size, width=width, lang="en-GB",
        break_words=break_words,
    )  # fmt: skip
    textpage = pdfium.PdfDocument(pdf.render(document, stylesheet=str(stylesheet), base_url=BASE_URL))[0].get_textpage()
    set_lines = inked_lines(textpage)

    assert len(lines) == len(set_lines)
    for measured, inked in zip(lines, set_lines, strict=True):  # ink sits inside the advance, give or take a bearing
        assert measured.width - 0.25 * size < inked < measured.width + 0.05 * size
