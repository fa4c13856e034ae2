"""One shape for every expected failure of the project's services.

A ``DomainError`` carries a stable ``code`` (what tests and API clients check) and the
parameters its words need; ``message`` looks the code up in its area's message table (the
subclass's ``messages``), translated and filled in. Each area (the shop, badges, the payment
provider, the door) subclasses it with its own table; a code missing from the table reads as
itself. Imports no app: the project shell stays below the apps.
"""

from collections.abc import Mapping


class DomainError(Exception):
    """An expected failure with a stable ``code`` and the ``params`` its message needs."""

    messages: Mapping[str, str] = {}

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)

    def message_code(self) -> str:
        """The key of ``messages`` for this error; an area may pick a finer one from the parameters."""
        return self.code

    @property
    def message(self) -> str:
        template = str(self.messages.get(self.message_code(), self.code))
        return template % self.params if self.params else template
