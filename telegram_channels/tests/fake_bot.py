"""A local HTTP server that speaks the part of Telegram's Bot API the portal uses.

Shapes follow https://core.telegram.org/bots/api: POST /bot<token>/<method> with a JSON body;
answers {"ok": true, "result": ...} or {"ok": false, "error_code": n, "description": "...",
"parameters": {"retry_after": s}}. Methods: getMe, sendMessage, sendPhoto, editMessageText,
editMessageCaption, deleteMessage. The text is parsed as Telegram's HTML parse mode does (known
tags only, entities) and its visible length checked in UTF-16 code units against Telegram's
limits. Tests script errors with `fail_next`, `kick`, `forget_chat`, `undeletable`, hold a send
after accepting it (`hold_sends`) and read `calls` (with their arrival times) and `chats`.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "123456789:AAfakeTokenForTests_abcdefghijklmnop"
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
ALLOWED_TAGS |= {"span", "tg-spoiler", "blockquote", "tg-emoji"}

# The only named entities Telegram's HTML knows.
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


@dataclass
class Call:
    method: str
    body: dict
    at: float  # time.monotonic() when it arrived
    answered: int = 0  # the HTTP status it got


@dataclass
class Failure:
    method: str
    code: int
    description: str
    retry_after: int | None
    remaining: int
    chat: str | None = None


@dataclass
class State:
    calls: list = field(default_factory=list)
    # chat -> {message_id: {"text"|"caption": ..., "photo": ...}}
    chats: dict = field(default_factory=dict)
    next_id: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)
    kicked: set = field(default_factory=set)
    missing: set = field(default_factory=set)
    undeletable: set = field(default_factory=set)  # (chat, message_id)
    hold: threading.Event | None = None
    held: int = 0  # sends accepted while holding
    lock: threading.Lock = field(default_factory=threading.Lock)


class EntityError(ValueError):
    pass


class _Visible(HTMLParser):
    """The visible text of Telegram HTML; EntityError for what Telegram would not parse."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            raise EntityError(f'Unsupported start tag "{tag}"')
        self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            raise EntityError(f'Unmatched end tag "{tag}"')

    def handle_data(self, data):
        if "<" in data or ">" in data:
            raise EntityError("Unexpected < or >")
        self.parts.append(data)

    def handle_entityref(self, name):
        if name not in NAMED_ENTITIES:
            raise EntityError(f'Unsupported entity "{name}"')
        self.parts.append(NAMED_ENTITIES[name])

    def handle_charref(self, name):
        self.parts.append(chr(int(name[1:], 16) if name[:1] in "xX" else int(name)))


def visible_text(markup: str) -> str:
    parser = _Visible()
    parser.feed(markup)
    parser.close()
    if parser.open:
        raise EntityError("Can't find end tag")
    return "".join(parser.parts)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeBot:
    """`FakeBot().start()`; `base_url` goes into TELEGRAM_API_BASE_URL, TOKEN into the token."""

    def __init__(self):
        self.state = State()
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> FakeBot:
        state = self.state

        class Handler(_Handler):
            pass

        Handler.state = state
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release_sends()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def reset(self) -> None:
        self.release_sends()
        with self.state.lock:
            fresh = State()
            for name in ("calls", "chats", "next_id", "failures", "kicked", "missing"):
                setattr(self.state, name, getattr(fresh, name))
            self.state.undeletable = set()
            self.state.hold, self.state.held = None, 0

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # Scripting ---------------------------------------------------------------------------------

    def fail_next(self, method, code, description, *, retry_after=None, count=1, chat=None):
        with self.state.lock:
            self.state.failures.append(Failure(method, code, description, retry_after, count, chat))

    def kick(self, chat: str) -> None:
        """The bot was removed from this channel: every call there is 403."""
        self.state.kicked.add(chat)

    def forget_chat(self, chat: str) -> None:
        self.state.missing.add(chat)

    def hold_sends(self) -> None:
        """Accept sendMessage/sendPhoto (the message is in the channel) but answer only after
        release_sends(): a worker killed meanwhile never learns the message id."""
        self.state.hold = threading.Event()

    def release_sends(self) -> None:
        if self.state.hold is not None:
            self.state.hold.set()

    # Reading -----------------------------------------------------------------------------------

    def calls_to(self, method: str, chat: str | None = None) -> list[Call]:
        with self.state.lock:
            return [
                c
                for c in self.state.calls
                if c.method == method and (chat is None or str(c.body.get("chat_id")) == chat)
            ]

    def messages(self, chat: str) -> dict:
        with self.state.lock:
            return dict(self.state.chats.get(chat, {}))


def _error(code: int, description: str, retry_after=None) -> dict:
    body = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body


class _Handler(BaseHTTPRequestHandler):
    state: State
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 — quiet test output
        pass

    def do_POST(self):  # noqa: N802 — http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        parts = self.path.strip("/").split("/")
        call = Call(parts[-1] if parts else "", body, time.monotonic())
        with self.state.lock:
            self.state.calls.append(call)
        if len(parts) != 2 or parts[0] != f"bot{TOKEN}":
            return self._reply(call, 401, _error(401, "Unauthorized"))
        status, answer = self._answer(call)
        self._reply(call, status, answer)

    def _reply(self, call: Call, status: int, body: dict) -> None:
        call.answered = status
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _answer(self, call: Call) -> tuple[int, dict]:
        state = self.state
        chat = str(call.body.get("chat_id", ""))
        with state.lock:
            for failure in state.failures:
                if failure.remaining > 0 and failure.method == call.method:
                    if failure.chat is not None and failure.chat != chat:
                        continue
                    failure.remaining -= 1
                    return failure.code, _error(
                        failure.code, failure.description, failure.retry_after
                    )
            if call.method == "getMe":
                return 200, {"ok": True, "result": {"id": 123456789, "is_bot": True}}
            if chat in state.kicked:
                return 403, _error(403, "Forbidden: bot was kicked from the channel chat")
            if chat in state.missing or not chat:
                return 400, _error(400, "Bad Request: chat not found")
            handler = getattr(self, "_m_" + call.method, None)
            if handler is None:
                return 404, _error(404, "Not Found: method not found")
            try:
                status, answer = handler(chat, call.body)
            except EntityError as exc:
                return 400, _error(400, f"Bad Request: can't parse entities: {exc}")
        if call.method in ("sendMessage", "sendPhoto") and state.hold is not None:
            state.held += 1
            state.hold.wait(timeout=60)
        return status, answer

    # Methods (called under the lock) ----------------------------------------------------------

    def _new_message(self, chat: str, content: dict) -> tuple[int, dict]:
        state = self.state
        message_id = state.next_id.get(chat, 0) + 1
        state.next_id[chat] = message_id
        state.chats.setdefault(chat, {})[message_id] = content
        result = {"message_id": message_id, "chat": {"id": chat}, "date": int(time.time())}
        return 200, {"ok": True, "result": {**result, **content}}

    def _m_sendMessage(self, chat, body):  # noqa: N802 — Telegram's method name
        text = body.get("text", "")
        visible = visible_text(text) if body.get("parse_mode") == "HTML" else text
        if not visible.strip():
            return 400, _error(400, "Bad Request: message text is empty")
        if utf16_len(visible) > 4096:
            return 400, _error(400, "Bad Request: message is too long")
        return self._new_message(chat, {"text": text, "visible": visible})

    def _m_sendPhoto(self, chat, body):  # noqa: N802
        caption = body.get("caption", "")
        visible = visible_text(caption) if body.get("parse_mode") == "HTML" else caption
        if utf16_len(visible) > 1024:
            return 400, _error(400, "Bad Request: message caption is too long")
        return self._new_message(
            chat, {"photo": body.get("photo"), "caption": caption, "visible": visible}
        )

    def _edit(self, chat, body, key: str, limit: int):
        message = self.state.chats.get(chat, {}).get(body.get("message_id"))
        if message is None:
            return 400, _error(400, "Bad Request: message to edit not found")
        if (key == "caption") != ("photo" in message):
            return 400, _error(400, "Bad Request: there is no text in the message to edit")
        text = body.get(key, "")
        visible = visible_text(text) if body.get("parse_mode") == "HTML" else text
        if utf16_len(visible) > limit:
            return 400, _error(400, "Bad Request: message is too long")
        if message.get(key) == text:
            return 400, _error(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        message[key], message["visible"] = text, visible
        return 200, {"ok": True, "result": {"message_id": body["message_id"], **message}}

    def _m_editMessageText(self, chat, body):  # noqa: N802
        return self._edit(chat, body, "text", 4096)

    def _m_editMessageCaption(self, chat, body):  # noqa: N802
        return self._edit(chat, body, "caption", 1024)

    def _m_deleteMessage(self, chat, body):  # noqa: N802
        message_id = body.get("message_id")
        messages = self.state.chats.get(chat, {})
        if message_id not in messages:
            return 400, _error(400, "Bad Request: message to delete not found")
        if (chat, message_id) in self.state.undeletable:
            return 400, _error(400, "Bad Request: message can't be deleted")
        del messages[message_id]
        return 200, {"ok": True, "result": True}
