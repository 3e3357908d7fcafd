"""``X-Schema-Version`` on every response, as the seed backend sent it (a pure ASGI middleware).

A client can check the schema version it talks to on any answer (errors, 304s
and cached replies included) without asking ``/schema/version``.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-schema-version"


class SchemaVersionHeader:
    """Add ``X-Schema-Version: <version>`` to every HTTP response."""

    def __init__(self, app: ASGIApp, *, version: str) -> None:
        self.app = app
        self.value = version.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                message = {**message, "headers": [*headers, (HEADER, self.value)]}
            await send(message)

        await self.app(scope, receive, send_with_header)
