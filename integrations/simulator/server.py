"""A simulator of the national e-health systems, over real HTTP, for development and tests.

It stands in for services this machine cannot reach: the person registry (ГБД ФЛ), the authorized body's
schedule service, the personal-data access control service, the electronic health passport, and the SMS
and e-mail gateways. Every request is kept in a log that tests and developers can read, and faults can
be injected to exercise retries.

Control endpoints (not part of any national API):
    GET  /_sim/requests?prefix=/schedules   the requests received, oldest first
    POST /_sim/faults   {"prefix": "/schedules", "times": 2, "status": 503, "delay": 0}
    POST /_sim/persons  {"iin": ..., "last_name": ..., ...}   add or replace a registry person
    POST /_sim/consents {"iin": ..., "status": "granted" | "refused" | "pending"}
    POST /_sim/reset
"""

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from patients.iin import InvalidIIN, parse_iin

SURNAMES = ["Абенов", "Байжанов", "Есенов", "Жаксылыков", "Кенжебаев", "Мухамедов", "Оспанов", "Рахимов"]
MALE_NAMES = ["Азамат", "Бауыржан", "Ержан", "Канат", "Мурат", "Нурлан"]
FEMALE_NAMES = ["Айнур", "Балжан", "Гаухар", "Жансая", "Лаура", "Салтанат"]


@dataclass
class Fault:
    prefix: str
    times: int
    status: int = 503
    delay: float = 0.0


@dataclass
class SimulatorState:
    requests: list = field(default_factory=list)
    faults: list = field(default_factory=list)
    persons: dict = field(default_factory=dict)
    consents: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault.prefix) and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None


def registry_person(state: SimulatorState, iin: str) -> dict | None:
    """The registry's record of a person: one put there by a test, or one derived from a valid IIN.

    IINs whose serial starts with 9 are "unknown to the registry", so that the not-found path can be
    exercised without set-up.
    """
    if iin in state.persons:
        return state.persons[iin]
    try:
        info = parse_iin(iin)
    except InvalidIIN:
        return None
    if iin[7] == "9":
        return None
    number = int(iin[7:11])
    names = MALE_NAMES if info.sex == "M" else FEMALE_NAMES
    surname = SURNAMES[number % len(SURNAMES)] + ("" if info.sex == "M" else "а")
    return {
        "iin": iin,
        "last_name": surname,
        "first_name": names[number % len(names)],
        "middle_name": "",
        "birth_date": info.birth_date.isoformat(),
        "sex": info.sex,
        "citizenship": "KZ",
        "address": "г. Алматы, ул. Абая, д. 1",
        "alive": True,
    }


class Handler(BaseHTTPRequestHandler):
    server_version = "NationalSystemsSimulator/1.0"
    state: SimulatorState  # set on the server class

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        return

    # --- plumbing --------------------------------------------------------------------------------
    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        if not length:
            return {}
        try:
            return json.loads(self.rfile.read(length))
        except json.JSONDecodeError:
            return {"_invalid_json": True}

    def _send(self, status: int, body: dict | list) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _handle(self, method: str) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        body = self._body() if method == "POST" else {}
        if not url.path.startswith("/_sim/"):
            with state.lock:
                state.requests.append(
                    {
                        "method": method,
                        "path": url.path,
                        "body": body,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "at": time.time(),
                    }
                )
            fault = state.take_fault(url.path)
            if fault is not None:
                time.sleep(fault.delay)
                self._send(fault.status, {"error": "injected fault"})
                return
        for (route_method, prefix), handler in ROUTES.items():
            if route_method == method and (url.path == prefix or url.path.startswith(prefix + "/")):
                route = handler
                break
        else:
            route = None
        if route is None:
            self._send(404, {"error": "no such endpoint"})
            return
        if body.get("_invalid_json"):
            self._send(400, {"error": "invalid JSON"})
            return
        status, response = route(state, url, body)
        self._send(status, response)

    def do_GET(self):  # noqa: N802
        self._handle("GET")

    def do_POST(self):  # noqa: N802
        self._handle("POST")


# --- national services -----------------------------------------------------------------------------
def person_lookup(state, url, body):
    iin = url.path.rsplit("/", 1)[-1]
    if len(iin) != 12 or not iin.isdigit():
        return 400, {"error": "invalid IIN"}
    person = registry_person(state, iin)
    return (200, person) if person else (404, {"error": "person not found"})


def consent_request(state, url, body):
    iin = body.get("iin", "")
    if not iin or not body.get("organisation"):
        return 400, {"error": "iin and organisation are required"}
    status = state.consents.get(iin, "granted")
    return 200, {"request_id": str(uuid.uuid4()), "iin": iin, "status": status}


def accept(kind: str, required: tuple[str, ...]):
    def handler(state, url, body):
        missing = [name for name in required if not body.get(name)]
        if missing:
            return 400, {"error": f"missing: {', '.join(missing)}"}
        return 202, {"accepted": True, "kind": kind, "id": str(uuid.uuid4())}

    return handler


# --- control ---------------------------------------------------------------------------------------
def sim_requests(state, url, body):
    prefix = parse_qs(url.query).get("prefix", [""])[0]
    with state.lock:
        return 200, [r for r in state.requests if r["path"].startswith(prefix)]


def sim_faults(state, url, body):
    with state.lock:
        state.faults.append(
            Fault(
                prefix=body.get("prefix", "/"),
                times=int(body.get("times", 1)),
                status=int(body.get("status", 503)),
                delay=float(body.get("delay", 0)),
            )
        )
    return 200, {"ok": True}


def sim_persons(state, url, body):
    with state.lock:
        state.persons[body["iin"]] = body
    return 200, {"ok": True}


def sim_consents(state, url, body):
    with state.lock:
        state.consents[body["iin"]] = body["status"]
    return 200, {"ok": True}


def sim_reset(state, url, body):
    with state.lock:
        state.requests.clear()
        state.faults.clear()
        state.persons.clear()
        state.consents.clear()
    return 200, {"ok": True}


ROUTES = {
    ("GET", "/person-registry/v1/persons"): person_lookup,
    ("POST", "/pd-access/v1/consent-requests"): consent_request,
    ("POST", "/schedules/v1/changes"): accept("schedule", ("organisation", "clinician", "changes")),
    ("POST", "/health-passport/v1/documents"): accept("document", ("iin", "document")),
    ("POST", "/sms/v1/messages"): accept("sms", ("phone", "text")),
    ("POST", "/email/v1/messages"): accept("email", ("to", "subject", "body")),
    ("GET", "/_sim/requests"): sim_requests,
    ("POST", "/_sim/faults"): sim_faults,
    ("POST", "/_sim/persons"): sim_persons,
    ("POST", "/_sim/consents"): sim_consents,
    ("POST", "/_sim/reset"): sim_reset,
}


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int]):
        super().__init__(address, Handler)
        self.state = SimulatorState()


def start_in_thread(host: str = "127.0.0.1", port: int = 0) -> SimulatorServer:
    server = SimulatorServer((host, port))
    threading.Thread(target=server.serve_forever, name="national-sim", daemon=True).start()
    return server
