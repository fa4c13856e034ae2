"""How the production runtime is set up inside: the garbage collector's settings after the WSGI
module loads, and gunicorn's choice of its C parser. Neither is behaviour a visitor sees; each
buys speed, so the bench checks them (``bench/bench_internals.py``)."""

import os
import subprocess
import sys
from pathlib import Path

from gunicorn.config import Config
from gunicorn.http import message

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_app_sets_its_long_lived_objects_aside_from_the_garbage_collector():
    script = (
        "import gc, festival.wsgi as w; "
        "import sys; print(callable(w.application), gc.get_freeze_count() > 100_000, gc.get_threshold(), "
        "'door.views' in sys.modules)"  # the views were loaded (through the URLconf) before the freeze
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "festival.settings.test"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)

    assert out.stdout.split("\n")[0] == "True True (10000, 50, 100) True"


def test_loading_the_door_s_pool_sets_its_long_lived_objects_aside_too():
    script = (
        "import gc, door.wsgi as w; "
        "import sys; print(callable(w.application), gc.get_freeze_count() > 100_000, gc.get_threshold(), "
        "'door.checkin' in sys.modules, 'festival.wsgi' in sys.modules)"  # the door's pool, not the site's
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "festival.settings.test"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)

    assert out.stdout.split("\n")[0] == "True True (10000, 50, 100) True False"


def test_gunicorn_picks_its_c_parser_under_its_default_settings():
    # The pinned gunicorn_h1c is installed and new enough: gunicorn's "auto" picks it.
    assert Config().http_parser == "auto"
    assert message._check_fast_parser(Config()) is True
