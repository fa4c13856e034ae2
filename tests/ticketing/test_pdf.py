"""Making badge PDFs: WeasyPrint's documents laid out in worker processes and joined in order."""

import io
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
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
