"""The grid's placement classes: the stylesheet matches its generator, and the grid needs no style attributes."""

from pathlib import Path

from django.conf import settings

from programme import placement


def test_the_placement_stylesheet_is_the_one_its_module_writes():
    written = (Path(settings.BASE_DIR) / "static" / "css" / "programme-grid.css").read_text()

    assert written == placement.stylesheet()


def test_placement_stays_within_the_classes_the_stylesheet_has():
    assert placement.slot_classes(column=2, row_start=14, row_end=26) == "gc-2 gr-14 ge-26"
    assert placement.slot_classes(column=99, row_start=400, row_end=500) == (
        f"gc-{placement.MAX_STAGES + 1} gr-{placement.MAX_ROW} ge-{placement.MAX_ROW + 1}"
    )
    assert placement.grid_class(30) == f"grid--stages-{placement.MAX_STAGES}"
