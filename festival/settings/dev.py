"""Development: debug on, console email, the Stripe emulator."""

from .base import *  # noqa: F403
from .base import _strict_bool

DEBUG = _strict_bool("DEBUG", True)
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
INTERNAL_IPS = ["127.0.0.1"]
