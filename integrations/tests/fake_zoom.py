"""A local HTTP server that speaks the part of Zoom's REST API the portal uses.

Shapes follow Zoom's API reference (v2): Server-to-Server OAuth token, meetings and webinars,
panelists, registrants, participant and Q&A reports paginated by next_page_token, recordings.
Tests script failures with `fail_next` (429 with Retry-After, 5xx) and read `calls`.
"""

from __future__ import annotations

import base64
import datetime
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo


@dataclass
class Call:
    method: str
    path: str
    query: dict
    headers: dict
    body: object


@dataclass
class Failure:
    prefix: str
    status: int
    retry_after: str | None
    remaining: int
    # After: the request is carried out, then its answer replaced (Zoom made it; the answer
    # was lost).
    after: bool = False


@dataclass
class FakeZoomState:
    account_id: str
    client_id: str
    client_secret: str
    token_lifetime: int = 3600
    tokens: dict = field(default_factory=dict)  # token -> expiry (monotonic)
    meetings: dict = field(default_factory=dict)  # id -> dict
    webinars: dict = field(default_factory=dict)
    panelists: dict = field(default_factory=dict)  # webinar id -> list
    registrants: dict = field(default_factory=dict)  # (kind, id) -> {email: registrant}
    participants: dict = field(default_factory=dict)  # (kind, id or uuid) -> list of rows
    # (kind, id) -> the meeting's past instances: [{"uuid", "start_time", "end_time"}]
    instances: dict = field(default_factory=dict)
    qa: dict = field(default_factory=dict)  # webinar id -> questions list
    recordings: dict = field(default_factory=dict)  # meeting/webinar id -> body
    # Emails of the account's users; None accepts any alternative host.
    account_users: set | None = None
    failures: list = field(default_factory=list)
    calls: list = field(default_factory=list)
    ids: itertools.count = field(default_factory=lambda: itertools.count(85_000_000_001))
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeZoom:
    """Start with `FakeZoom().start()`; `api_base_url` and `token_url` go into the settings."""

    def __init__(self, *, account_id="acc-test", client_id="client-test", client_secret=None):
        self.state = FakeZoomState(
            account_id=account_id,
            client_id=client_id,
            client_secret=client_secret or "secret-" + secrets.token_hex(8),
        )
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle ---------------------------------------------------------------------------------

    def start(self) -> FakeZoom:
        state = self.state

        class Handler(_Handler):
            pass

        Handler.state = state
        # Port 0: the kernel picks a free port, so parallel test runs never collide.
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def root(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_base_url(self) -> str:
        return self.root + "/v2"

    @property
    def token_url(self) -> str:
        return self.root + "/oauth/token"

    # Scripting ---------------------------------------------------------------------------------

    def fail_next(
        self, prefix: str, status: int, *, count: int = 1, retry_after=None, after=False
    ) -> None:
        """The next `count` requests whose path starts with `prefix` get `status`; with `after`
        each is carried out first."""
        with self.state.lock:
            self.state.failures.append(
                Failure(
                    prefix,
                    status,
                    None if retry_after is None else str(retry_after),
                    count,
                    after,
                )
            )

    def calls_to(self, method: str, prefix: str) -> list[Call]:
        return [c for c in self.state.calls if c.method == method and c.path.startswith(prefix)]

    def api_calls(self) -> list[Call]:
        return [c for c in self.state.calls if c.path.startswith("/v2/")]

    def set_participants(
        self,
        kind: str,
        zoom_id,
        rows: list[dict],
        *,
        uuid: str = "iOPi6Yc6Qd+1yp5yXJdpgg==",
        start_time: str | None = None,
        end_time: str | None = None,
    ) -> str:
        """One instance of the meeting ended with these rows; by default it ran at the time
        the meeting was planned for. Zoom's report by numeric id gives the last instance's.
        Returns the instance's uuid."""
        with self.state.lock:
            store = self.state.meetings if kind == "meeting" else self.state.webinars
            item = store.get(str(zoom_id)) or {}
            planned = _utc(item.get("start_time"), item.get("timezone"))
            start_time = start_time or planned
            if end_time is None and start_time:
                moment = datetime.datetime.fromisoformat(start_time)
                end_time = (
                    moment + datetime.timedelta(minutes=item.get("duration") or 60)
                ).strftime("%Y-%m-%dT%H:%M:%SZ")
            listed = self.state.instances.setdefault((kind, str(zoom_id)), [])
            listed[:] = [i for i in listed if i["uuid"] != uuid]
            listed.append({"uuid": uuid, "start_time": start_time, "end_time": end_time})
            self.state.participants[(kind, uuid)] = rows
            self.state.participants[(kind, str(zoom_id))] = rows
        return uuid

    def set_qa(self, webinar_id, questions: list[dict]) -> None:
        self.state.qa[str(webinar_id)] = questions

    def set_recording(self, zoom_id, body: dict) -> None:
        self.state.recordings[str(zoom_id)] = body

    def expire_tokens(self) -> None:
        self.state.tokens.clear()


class _Handler(BaseHTTPRequestHandler):
    state: FakeZoomState
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - quiet test output
        pass

    # Plumbing ----------------------------------------------------------------------------------

    def _reply(self, status: int, body=None, headers: dict | None = None) -> None:
        override = getattr(self, "_override", None)
        if override is not None:
            self._override = None
            status, body, headers = override, {"code": override, "message": "Server error."}, {}
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, code: int, message: str) -> None:
        self._reply(status, {"code": code, "message": message})

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Type", "").startswith("application/json") and raw:
            return json.loads(raw)
        if raw:
            return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        return None

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        body = self._read_body()
        state = self.state
        self._override = None
        with state.lock:
            state.calls.append(Call(method, parts.path, query, dict(self.headers), body))
            for failure in state.failures:
                if failure.remaining > 0 and parts.path.startswith(failure.prefix):
                    failure.remaining -= 1
                    if failure.after:
                        self._override = failure.status
                        break
                    headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
                    message = "Too many requests." if failure.status == 429 else "Server error."
                    self._reply(
                        failure.status, {"code": failure.status, "message": message}, headers
                    )
                    return
        if parts.path == "/oauth/token":
            return self._token(method, query, body)
        if not parts.path.startswith("/v2/"):
            return self._error(404, 404, "Not found.")
        if not self._authorised():
            return self._error(401, 124, "Invalid access token.")
        # Zoom decodes the path once before routing, so an instance uuid holding "/" must be
        # encoded twice; each segment is then decoded again.
        decoded = unquote(parts.path[len("/v2/") :])
        segments = [unquote(s) for s in decoded.split("/") if s]
        route = _route(method, segments)
        if route is None:
            return self._error(404, 404, "Not found.")
        handler, args = route
        with state.lock:
            handler(self, query, body, *args)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PATCH(self):
        self._handle("PATCH")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_PUT(self):
        self._handle("PUT")

    # OAuth -------------------------------------------------------------------------------------

    def _token(self, method, query, body):
        state = self.state
        expected = base64.b64encode(f"{state.client_id}:{state.client_secret}".encode()).decode()
        if method != "POST" or self.headers.get("Authorization") != f"Basic {expected}":
            return self._reply(
                401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
            )
        params = {**query, **(body or {})}
        if params.get("grant_type") != "account_credentials":
            return self._reply(
                400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}
            )
        if params.get("account_id") != state.account_id:
            return self._reply(400, {"reason": "Invalid account_id", "error": "invalid_request"})
        token = "tok-" + secrets.token_urlsafe(24)
        with state.lock:
            state.tokens[token] = time.monotonic() + state.token_lifetime
        self._reply(
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": state.token_lifetime,
                "scope": "meeting:write:admin webinar:write:admin report:read:admin",
                "api_url": "https://api.zoom.us",
            },
        )

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        expiry = self.state.tokens.get(header[len("Bearer ") :])
        return expiry is not None and expiry > time.monotonic()

    # Meetings and webinars ---------------------------------------------------------------------

    def _store(self, kind: str):
        return self.state.meetings if kind == "meetings" else self.state.webinars

    def create(self, query, body, user_id, kind):
        body = body or {}
        if not body.get("topic"):
            return self._error(400, 300, "Validation Failed: topic is required.")
        password = body.get("password") or secrets.token_hex(3)
        if len(password) > 10:
            return self._error(400, 300, "Invalid parameter: password.")
        alternative = (body.get("settings") or {}).get("alternative_hosts") or ""
        if self.state.account_users is not None:
            for email in filter(None, alternative.split(";")):
                if email.lower() not in self.state.account_users:
                    return self._error(400, 1115, f"Invalid alternative host: {email}.")
        zoom_id = next(self.state.ids)
        pwd = secrets.token_urlsafe(12)
        path = "j" if kind == "meetings" else "w"
        item = {
            "uuid": secrets.token_urlsafe(16) + "==",
            "id": zoom_id,
            "host_id": "host-" + user_id,
            "host_email": "host@example.org",
            "topic": body["topic"],
            "type": body.get("type", 2 if kind == "meetings" else 5),
            "status": "waiting",
            "start_time": body.get("start_time"),
            "duration": body.get("duration"),
            "timezone": body.get("timezone"),
            "agenda": body.get("agenda", ""),
            "created_at": "2030-01-01T00:00:00Z",
            "start_url": f"https://zoom.us/s/{zoom_id}?zak=host-secret-{secrets.token_hex(8)}",
            "join_url": f"https://zoom.us/{path}/{zoom_id}?pwd={pwd}",
            "password": password,
            "settings": body.get("settings") or {},
        }
        if (item["settings"].get("approval_type", 2)) != 2:
            item["registration_url"] = f"https://zoom.us/{kind[:-1]}/register/{zoom_id}"
        self._store(kind)[str(zoom_id)] = item
        self._reply(201, item)

    def list_items(self, query, body, user_id, kind):
        items = [
            {
                "id": item["id"],
                "uuid": item["uuid"],
                "host_id": item["host_id"],
                "topic": item["topic"],
                "type": item["type"],
                "start_time": _utc(item["start_time"], item["timezone"]),
                "duration": item["duration"],
                "timezone": item["timezone"],
                "created_at": item["created_at"],
                "join_url": item["join_url"],
            }
            for item in self._store(kind).values()
            if item["host_id"] == "host-" + user_id
        ]
        self._reply(
            200,
            {"page_size": 300, "total_records": len(items), "next_page_token": "", kind: items},
        )

    def read(self, query, body, kind, zoom_id):
        item = self._store(kind).get(zoom_id)
        if item is None:
            return self._missing(kind, zoom_id)
        self._reply(200, item)

    def update(self, query, body, kind, zoom_id):
        item = self._store(kind).get(zoom_id)
        if item is None:
            return self._missing(kind, zoom_id)
        body = body or {}
        settings_update = body.pop("settings", None)
        item.update(body)
        if settings_update:
            item["settings"] = {**item["settings"], **settings_update}
        self._reply(204)

    def delete(self, query, body, kind, zoom_id):
        if self._store(kind).pop(zoom_id, None) is None:
            return self._missing(kind, zoom_id)
        self._reply(204)

    def _missing(self, kind, zoom_id):
        if kind == "meetings":
            return self._error(404, 3001, f"Meeting does not exist: {zoom_id}.")
        return self._error(404, 3001, f"Webinar does not exist: {zoom_id}.")

    def add_panelists(self, query, body, zoom_id):
        if zoom_id not in self.state.webinars:
            return self._missing("webinars", zoom_id)
        panelists = self.state.panelists.setdefault(zoom_id, [])
        known = {p["email"].lower() for p in panelists}
        for entry in (body or {}).get("panelists", []):
            if entry["email"].lower() not in known:
                panelists.append(
                    {
                        "id": secrets.token_urlsafe(8),
                        "name": entry.get("name", ""),
                        "email": entry["email"],
                        "join_url": f"https://zoom.us/w/{zoom_id}?tk={secrets.token_urlsafe(12)}",
                    }
                )
                known.add(entry["email"].lower())
        self._reply(201, {"id": zoom_id, "updated_at": "2030-01-01T00:00:00Z"})

    def list_panelists(self, query, body, zoom_id):
        panelists = self.state.panelists.get(zoom_id, [])
        self._reply(200, {"total_records": len(panelists), "panelists": panelists})

    def add_registrant(self, query, body, kind, zoom_id):
        item = self._store(kind).get(zoom_id)
        if item is None:
            return self._missing(kind, zoom_id)
        body = body or {}
        if not body.get("email") or not body.get("first_name"):
            return self._error(400, 300, "Validation Failed: email and first_name are required.")
        if item["settings"].get("approval_type", 2) == 2:
            return self._error(400, 3000, "Registration has not been enabled for this meeting.")
        registrants = self.state.registrants.setdefault((kind, zoom_id), {})
        key = body["email"].lower()
        if key not in registrants:
            path = "j" if kind == "meetings" else "w"
            registrants[key] = {
                "id": int(zoom_id),
                "registrant_id": secrets.token_urlsafe(10),
                "join_url": f"https://zoom.us/{path}/{zoom_id}?tk={secrets.token_urlsafe(16)}",
                "topic": item["topic"],
                "start_time": item["start_time"],
                "first_name": body["first_name"],
                "last_name": body.get("last_name", ""),
                "email": body["email"],
            }
        public = {
            k: v
            for k, v in registrants[key].items()
            if k not in ("first_name", "last_name", "email")
        }
        self._reply(201, public)

    def registrant_status(self, query, body, kind, zoom_id):
        if zoom_id not in self._store(kind):
            return self._missing(kind, zoom_id)
        body = body or {}
        if body.get("action") not in ("approve", "deny", "cancel"):
            return self._error(400, 300, "Validation Failed: action.")
        registrants = self.state.registrants.get((kind, zoom_id), {})
        for entry in body.get("registrants") or []:
            key = (entry.get("email") or "").lower()
            if key in registrants and body["action"] != "approve":
                registrants[key]["status"] = "denied" if body["action"] == "deny" else "cancelled"
        self._reply(204)

    # Reports -----------------------------------------------------------------------------------

    def participants_report(self, query, body, kind, zoom_id):
        rows = self.state.participants.get((kind[:-1], zoom_id))
        if rows is None:
            return self._error(404, 3001, "Meeting does not exist or has not ended.")
        page_size = min(int(query.get("page_size", 30)), 300)
        start = int(query.get("next_page_token") or 0) if query.get("next_page_token") else 0
        page = rows[start : start + page_size]
        following = start + page_size
        self._reply(
            200,
            {
                "page_count": (len(rows) + page_size - 1) // page_size,
                "page_size": page_size,
                "total_records": len(rows),
                "next_page_token": str(following) if following < len(rows) else "",
                "participants": page,
            },
        )

    def past_instances(self, query, body, kind, zoom_id):
        key = ("meeting" if kind == "past_meetings" else "webinar", zoom_id)
        listed = [
            {"uuid": i["uuid"], "start_time": i["start_time"]}
            for i in self.state.instances.get(key, [])
        ]
        self._reply(200, {kind[len("past_") :]: listed})

    def report_details(self, query, body, kind, uuid):
        for (instance_kind, zoom_id), listed in self.state.instances.items():
            for instance in listed:
                if instance_kind == kind[:-1] and uuid in (instance["uuid"], zoom_id):
                    return self._reply(
                        200,
                        {
                            "uuid": instance["uuid"],
                            "id": int(zoom_id),
                            "start_time": instance["start_time"],
                            "end_time": instance["end_time"],
                            "participants_count": len(
                                self.state.participants.get((instance_kind, instance["uuid"]), [])
                            ),
                        },
                    )
        self._error(404, 3001, "Meeting does not exist or has not ended.")

    def qa_report(self, query, body, zoom_id):
        questions = self.state.qa.get(zoom_id)
        if questions is None:
            return self._error(404, 3001, "Webinar does not exist or has not ended.")
        self._reply(
            200, {"id": int(zoom_id), "uuid": "u", "start_time": "", "questions": questions}
        )

    def recordings(self, query, body, zoom_id):
        recording = self.state.recordings.get(zoom_id)
        if recording is None:
            return self._error(404, 3301, "This recording does not exist.")
        self._reply(200, recording)


def _utc(local: str | None, zone: str | None) -> str | None:
    """Zoom lists start times in UTC: "2030-03-14T05:00:00Z"."""
    if not local:
        return local
    moment = datetime.datetime.fromisoformat(local)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone or "UTC"))
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _route(method: str, s: list[str]):
    h = _Handler
    n = len(s)
    if n == 3 and s[0] == "users" and s[2] in ("meetings", "webinars"):
        handler = {"POST": h.create, "GET": h.list_items}.get(method)
        return (handler, (s[1], s[2])) if handler else None
    if n == 2 and s[0] in ("meetings", "webinars"):
        handler = {"GET": h.read, "PATCH": h.update, "DELETE": h.delete}.get(method)
        return (handler, (s[0], s[1])) if handler else None
    if n == 3 and s[0] == "webinars" and s[2] == "panelists":
        handler = {"POST": h.add_panelists, "GET": h.list_panelists}.get(method)
        return (handler, (s[1],)) if handler else None
    if n == 3 and s[0] in ("meetings", "webinars") and s[2] == "registrants" and method == "POST":
        return h.add_registrant, (s[0], s[1])
    if n == 4 and s[0] in ("meetings", "webinars") and s[2:] == ["registrants", "status"]:
        return (h.registrant_status, (s[0], s[1])) if method == "PUT" else None
    if n == 4 and s[0] == "report" and s[3] == "participants" and method == "GET":
        if s[1] in ("meetings", "webinars"):
            return h.participants_report, (s[1], s[2])
    if n == 3 and s[0] in ("past_meetings", "past_webinars") and s[2] == "instances":
        return (h.past_instances, (s[0], s[1])) if method == "GET" else None
    if n == 3 and s[0] == "report" and s[1] in ("meetings", "webinars") and method == "GET":
        return h.report_details, (s[1], s[2])
    if n == 4 and s[0] == "report" and s[1] == "webinars" and s[3] == "qa" and method == "GET":
        return h.qa_report, (s[2],)
    if n == 3 and s[0] == "meetings" and s[2] == "recordings" and method == "GET":
        return h.recordings, (s[1],)
    return None
