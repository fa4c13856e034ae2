"""A small local stand-in for the parts of the Stripe API the ticket shop uses.

The real ``stripe`` library talks to it over HTTP (set its base address to the
emulator's). State lives in memory behind one lock; nothing is persisted.

    from stripe_emulator import EmulatorServer
    server = EmulatorServer(port=0, webhook_url="http://127.0.0.1:8000/tickets/stripe/webhook/",
                            webhook_secret="whsec_...").start()
    server.base_url  # -> "http://127.0.0.1:<port>"
    server.stop()
"""

from .server import EmulatorServer
from .signing import sign_payload

__all__ = ["EmulatorServer", "sign_payload"]
