"""The one shape of a feed's failure: a short code and the values that fill its message.

Fetching, parsing and posting each raise a subclass; the poller records any of them as the feed's
last error, and `render.py` puts it into words. Parse errors cross process boundaries, so pickling
rebuilds them from code and values.
"""

from __future__ import annotations


class FeedFailure(Exception):
    def __init__(self, code: str, /, **values: object) -> None:
        super().__init__(code, values)
        self.code = code
        self.values = values

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.code, self.values))

    def __str__(self) -> str:
        return f"{self.code} {self.values}" if self.values else self.code


def _rebuild(cls: type[FeedFailure], code: str, values: dict[str, object]) -> FeedFailure:
    return cls(code, **values)
