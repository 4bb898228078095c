#!/usr/bin/env python3
"""A small mock of dwelld's HTTP API, for developing and testing the kiosk page.

Serves the real page files (Sources/DwellDaemon/Kiosk) at /, /kiosk.css, /kiosk.js and the
/api/v1 contract: beds, protocols, commands, RFC 9457 problems and the Server-Sent Events
stream. Each bed runs a small copy of the session state machine on a fake clock
(`--speed N` runs it N times faster than real time).

Mock-only controls (never part of the real daemon; the browser test uses them only when
`GET /_mock` answers 200):
  POST /_mock/offline      every /api request answers 503 and open streams are closed
  POST /_mock/online       back to normal
  POST /_mock/nostream     /api/v1/stream answers 503 (polling still works)
  POST /_mock/stream       the stream works again
  POST /_mock/fault/{bed}  toggles the bed's fault flag

Run:  python3 Tests/Kiosk/mock_dwelld.py --port 18470 [--beds 2] [--speed 1]
"""

import argparse
import json
import os
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
KIOSK_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "Sources", "DwellDaemon", "Kiosk"))

ESCALATE_AFTER_MS = 60_000
MAX_EXTENSION_MS = 30 * 60_000


def site(label, needles, dwell_ms):
    return {"kind": "site", "label": label, "needles": needles, "ms": dwell_ms}


def rest(ms):
    return {"kind": "rest", "ms": ms}


M = 60_000
S = 1_000
# Copies of shipped protocols (Protocols/*.yaml), reduced to what the API shows.
PROTOCOLS = [
    {
        "id": "neck-shoulder-multisite", "title": "Neck and shoulder, multi-site dry needling",
        "version": 1, "technique": "deep", "warn_before_ms": 20 * S, "observation_ms": 5 * M,
        "steps": [
            site("Upper trapezius (left)", 2, 3 * M), site("Upper trapezius (right)", 2, 3 * M),
            rest(1 * M),
            site("Levator scapulae (left)", 1, 2 * M), site("Levator scapulae (right)", 1, 2 * M),
            rest(1 * M),
            site("Splenius capitis (left)", 1, 90 * S), site("Splenius capitis (right)", 1, 90 * S),
        ],
    },
    {
        "id": "upper-trapezius-superficial", "title": "Upper trapezius, superficial dry needling",
        "version": 1, "technique": "superficial", "warn_before_ms": 30 * S, "observation_ms": 3 * M,
        "steps": [
            site("Upper trapezius (left)", 2, 5 * M + 30 * S), rest(1 * M),
            site("Upper trapezius (right)", 2, 5 * M + 30 * S),
        ],
    },
    {
        "id": "gluteus-medius-deep", "title": "Gluteus medius, deep dry needling",
        "version": 1, "technique": "deep", "warn_before_ms": 30 * S, "observation_ms": 0,
        "steps": [
            site("Gluteus medius (left)", 2, 5 * M), rest(2 * M), site("Gluteus medius (right)", 2, 5 * M),
        ],
    },
]
PROTOCOLS_BY_ID = {p["id"]: p for p in PROTOCOLS}


def notation(ms):
    """Duration notation as the daemon prints it: 90s -> 1m30s, 3m, 500ms."""
    if ms <= 0:
        return "0s"
    out = ""
    for suffix, unit in (("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)):
        if ms >= unit:
            out += f"{ms // unit}{suffix}"
            ms %= unit
    return out


def describe(step):
    if step["kind"] == "rest":
        return f"rest {notation(step['ms'])}"
    n = step["needles"]
    return f"{step['label']} · {n} needle{'' if n == 1 else 's'} · {notation(step['ms'])}"


class Rejected(Exception):
    def __init__(self, status, detail, title=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title


class Bed:
    """One bed: the session state machine of Sources/DwellCore, reduced to what the API shows."""

    def __init__(self, name):
        self.name = name
        self.fault = False
        self.protocol = None
        self.session = None
        self.therapist = None
        self.patient = None
        self.state = "idle"  # idle step paused overrun observation completed aborted
        self.index = None
        self.end = 0  # step end, observation end (clock ms)
        self.since = 0  # paused since / overrun since / ended at
        self.escalated = False
        self.started = 0
        self.warned = False

    # -- time -------------------------------------------------------------------------
    def advance(self, now):
        while True:
            if self.state == "step" and now >= self.end:
                self._end_step(self.end)
            elif self.state == "overrun" and not self.escalated and now >= self.since + ESCALATE_AFTER_MS:
                self.escalated = True
            elif self.state == "observation" and now >= self.end:
                self.state, self.since = "completed", self.end
            else:
                return

    def _begin(self, index, at):
        self.state, self.index, self.end = "step", index, at + self.protocol["steps"][index]["ms"]

    def _end_step(self, at):
        if self.index + 1 < len(self.protocol["steps"]):
            self._begin(self.index + 1, at)
        else:
            self.state, self.since, self.escalated, self.index = "overrun", at, False, None

    # -- commands ---------------------------------------------------------------------
    def start(self, protocol, therapist, patient, now):
        if self.state not in ("idle", "completed", "aborted"):
            raise Rejected(409, f"bed {self.name} is busy: a session is {self.phase()}", "Bed busy")
        self.protocol, self.session = protocol, str(uuid.uuid4())
        self.therapist, self.patient = therapist, patient
        self.started, self.escalated = now, False
        self._begin(0, now)

    def command(self, name, now, by_ms=60_000):
        phase = self.phase()

        def illegal(reason):
            raise Rejected(409, f"cannot {name} while {phase}: {reason}", "Command not possible now")

        if self.state in ("idle",):
            illegal("there is no session on this bed")
        if self.state in ("completed", "aborted"):
            illegal("the session has ended; start a new one")
        if name == "pause":
            if self.state == "step":
                self.state, self.since = "paused", now
            elif self.state == "paused":
                illegal("the session is already paused")
            elif self.state == "overrun":
                illegal("the last step has ended: acknowledge once the needles are out, or extend")
            else:
                illegal("observation cannot be paused; extend or skip it")
        elif name == "resume":
            if self.state != "paused":
                illegal("the session is not paused")
            self.end += now - self.since
            self.state = "step"
        elif name == "skip":
            if self.state == "paused":
                self.end += now - self.since
                self.state = "step"
            if self.state == "step":
                self._end_step(now)
            elif self.state == "observation":
                self.state, self.since = "completed", now
            else:
                illegal("the last step has ended: acknowledge once the needles are out, or extend")
        elif name == "ack":
            if self.state != "overrun":
                illegal("there is nothing to acknowledge until the last step has ended")
            if self.protocol["observation_ms"] > 0:
                self.state, self.end = "observation", now + self.protocol["observation_ms"]
            else:
                self.state, self.since = "completed", now
        elif name == "abort":
            self.state, self.since = "aborted", now
        elif name == "extend":
            if not 0 < by_ms <= MAX_EXTENSION_MS:
                raise Rejected(422, "an extension must be more than 0s and at most 30m", "Invalid extension")
            if self.state in ("step", "paused"):
                self.end += by_ms
            elif self.state == "overrun":
                self.index = len(self.protocol["steps"]) - 1
                self.state, self.end, self.escalated = "step", now + by_ms, False
            elif self.state == "observation":
                self.end += by_ms
        else:
            raise Rejected(404, f"unknown command {name}", "Not Found")

    # -- views ------------------------------------------------------------------------
    def phase(self):
        if self.state == "step":
            return "rest" if self.protocol["steps"][self.index]["kind"] == "rest" else "running"
        return self.state

    def signal(self, now):
        st = self.state
        if st == "step":
            step = self.protocol["steps"][self.index]
            if step["kind"] == "rest":
                return "rest"
            if step["ms"] > self.protocol["warn_before_ms"] and self.end - now <= self.protocol["warn_before_ms"]:
                return "warning"
            return "running"
        return {"paused": "paused", "observation": "observation",
                "overrun": "attention-escalated" if self.escalated else "attention"}.get(st, "idle")

    def lamps(self, signal, now):
        g = a = r = False
        if signal == "running":
            g = True
        elif signal == "warning":
            g = a = True
        elif signal == "rest":
            g = (now - self.started) % 2000 < 200
        elif signal == "paused":
            a = True
        elif signal == "observation":
            g = (now % 2000) < 1000
        elif signal == "attention":
            a = ((now - self.since) % 2000) < 1000
        elif signal == "attention-escalated":
            r = ((now - self.since) % 500) < 250
        if self.fault:
            r = True if signal != "attention-escalated" else r
        return {"green": g, "amber": a, "red": r, "buzzer": False}

    def json(self, now):
        self.advance(now)
        sig = self.signal(now)
        p = self.protocol
        steps = p["steps"] if p else []
        current = nxt = remaining = None
        obs = f"observation {notation(p['observation_ms'])}" if p and p["observation_ms"] > 0 else None
        if self.state in ("step", "paused"):
            current = describe(steps[self.index])
            nxt = describe(steps[self.index + 1]) if self.index + 1 < len(steps) else "remove needles"
            remaining = self.end - (self.since if self.state == "paused" else now)
        elif self.state == "overrun":
            current, nxt = "remove needles, then acknowledge", obs or "complete"
            remaining = self.since - now
        elif self.state == "observation":
            current, nxt = "observation: patient rests", "complete"
            remaining = self.end - now
        if self.state in ("completed", "aborted"):
            elapsed = self.since - self.started
        elif self.state == "idle":
            elapsed = 0
        else:
            elapsed = now - self.started
        return {
            "bed": self.name,
            "state": self.phase(),
            "signal": sig,
            "protocol": {"id": p["id"], "title": p["title"], "version": p["version"]} if p else None,
            "session": self.session,
            "step": self.index if self.state in ("step", "paused") else None,
            "step_count": len(steps),
            "current": current,
            "next": nxt,
            "remaining_ms": remaining,
            "elapsed_ms": elapsed,
            "planned_ms": sum(s["ms"] for s in steps),
            "lamps": self.lamps(sig, now),
            "fault": self.fault,
            "therapist": self.therapist,
            "patient": self.patient,
        }


class World:
    def __init__(self, beds, speed):
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.beds = {str(i): Bed(str(i)) for i in range(1, beds + 1)}
        self.speed = speed
        self.t0 = time.monotonic()
        self.offline = False
        self.nostream = False
        self.generation = 0  # bumped when going offline, to close open streams

    def now(self):
        return int((time.monotonic() - self.t0) * 1000 * self.speed)

    def notify(self):
        self.changed.notify_all()


def parse_duration(text):
    m = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?", text or "")
    if not text or not m or not any(m.groups()):
        return None
    h, mi, s, ms = (int(g) if g else 0 for g in m.groups())
    return ((h * 60 + mi) * 60 + s) * 1000 + ms


def make_handler(world, kiosk_dir):
    class Handler(BaseHTTPRequestHandler):
        server_version = "mock-dwelld/1"

        def log_message(self, fmt, *args):
            if os.environ.get("MOCK_VERBOSE"):
                super().log_message(fmt, *args)

        # -- responses ------------------------------------------------------------------
        def send_json(self, status, body, content_type="application/json"):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def problem(self, status, title, detail):
            self.send_json(status, {"type": "about:blank", "title": title, "status": status, "detail": detail},
                           "application/problem+json")

        def send_file(self, name, content_type):
            try:
                with open(os.path.join(kiosk_dir, name), "rb") as f:
                    data = f.read()
            except OSError:
                return self.problem(404, "Not Found", f"{name} is missing")
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(data)

        # -- routing --------------------------------------------------------------------
        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path in ("/", "/index.html"):
                return self.send_file("index.html", "text/html; charset=utf-8")
            if path == "/kiosk.css":
                return self.send_file("kiosk.css", "text/css; charset=utf-8")
            if path == "/kiosk.js":
                return self.send_file("kiosk.js", "text/javascript; charset=utf-8")
            if path == "/_mock":
                return self.send_json(200, {"mock": True, "offline": world.offline, "nostream": world.nostream})
            if not path.startswith("/api/"):
                return self.problem(404, "Not Found", f"no such page: {path}")
            if world.offline:
                return self.problem(503, "Service Unavailable", "mock is offline")
            if path == "/api/v1/stream":
                return self.stream()
            with world.lock:
                now = world.now()
                if path == "/api/v1/beds":
                    return self.send_json(200, [b.json(now) for b in world.beds.values()])
                m = re.fullmatch(r"/api/v1/beds/([^/]+)", path)
                if m:
                    bed = world.beds.get(m.group(1))
                    if not bed:
                        return self.problem(404, "Not Found", f"there is no bed {m.group(1)}")
                    return self.send_json(200, bed.json(now))
                if path == "/api/v1/protocols":
                    return self.send_json(200, [{
                        "id": p["id"], "title": p["title"], "version": p["version"], "technique": p["technique"],
                        "length_ms": sum(s["ms"] for s in p["steps"]), "observation_ms": p["observation_ms"],
                        "sites": [s["label"] for s in p["steps"] if s["kind"] == "site"],
                    } for p in PROTOCOLS])
            return self.problem(404, "Not Found", f"no such resource: {path}")

        def do_POST(self):
            path = self.path.split("?", 1)[0]
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if path.startswith("/_mock/"):
                return self.mock_control(path)
            if world.offline:
                return self.problem(503, "Service Unavailable", "mock is offline")
            m = re.fullmatch(r"/api/v1/beds/([^/]+)/(session|pause|resume|skip|abort|ack|extend)", path)
            if not m:
                return self.problem(404, "Not Found", f"no such resource: {path}")
            body = None
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError as e:
                    return self.problem(400, "Malformed JSON", f"the request body is not JSON: {e}")
            with world.lock:
                now = world.now()
                bed = world.beds.get(m.group(1))
                if not bed:
                    return self.problem(404, "Not Found", f"there is no bed {m.group(1)}")
                bed.advance(now)
                verb = m.group(2)
                try:
                    if verb == "session":
                        if not isinstance(body, dict):
                            return self.problem(400, "Malformed request", "expected a JSON object")
                        protocol = PROTOCOLS_BY_ID.get(body.get("protocol"))
                        if not protocol:
                            return self.problem(404, "Not Found", f"there is no protocol {body.get('protocol')!r}")
                        if body.get("consent") is not True:
                            return self.problem(422, "Consent required",
                                                "the patient's informed consent is required: send \"consent\": true")
                        bed.start(protocol, body.get("therapist"), body.get("patient"), now)
                        status = 201
                    else:
                        by = 60_000
                        if verb == "extend" and isinstance(body, dict) and "by" in body:
                            by = parse_duration(body.get("by"))
                            if by is None:
                                return self.problem(400, "Malformed request", f"`{body.get('by')}` is not a duration")
                        bed.command(verb, now, by)
                        status = 200
                except Rejected as r:
                    return self.problem(r.status, r.title or "Conflict", r.detail)
                world.notify()
                return self.send_json(status, bed.json(now))

        def mock_control(self, path):
            with world.lock:
                if path == "/_mock/offline":
                    world.offline = True
                    world.generation += 1
                elif path == "/_mock/online":
                    world.offline = False
                elif path == "/_mock/nostream":
                    world.nostream = True
                    world.generation += 1
                elif path == "/_mock/stream":
                    world.nostream = False
                elif path.startswith("/_mock/fault/") and path[13:] in world.beds:
                    bed = world.beds[path[13:]]
                    bed.fault = not bed.fault
                else:
                    return self.problem(404, "Not Found", path)
                world.notify()
            return self.send_json(200, {"offline": world.offline, "nostream": world.nostream})

        # -- Server-Sent Events ---------------------------------------------------------
        def stream(self):
            if world.nostream:
                return self.problem(503, "Service Unavailable", "mock stream is switched off")
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            last_sent = {}  # bed -> (key, local time)
            with world.lock:
                generation = world.generation
            try:
                while True:
                    with world.lock:
                        if world.generation != generation:
                            return
                        now = world.now()
                        wall = time.monotonic()
                        out = []
                        for name, bed in world.beds.items():
                            body = bed.json(now)
                            key = json.dumps({k: v for k, v in body.items() if k not in ("remaining_ms", "elapsed_ms")})
                            previous = last_sent.get(name)
                            ticking = body["state"] in ("running", "rest", "overrun", "observation")
                            if previous is None or previous[0] != key or (ticking and wall - previous[1] >= 1.0):
                                last_sent[name] = (key, wall)
                                out.append(body)
                    if out:
                        self.wfile.write("".join(f"event: bed\ndata: {json.dumps(b)}\n\n" for b in out).encode())
                        self.wfile.flush()
                    with world.lock:
                        world.changed.wait(0.2)
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=18470)
    ap.add_argument("--beds", type=int, default=2)
    ap.add_argument("--speed", type=float, default=1.0, help="fake clock speed (1 = real time)")
    ap.add_argument("--kiosk-dir", default=KIOSK_DIR)
    args = ap.parse_args()
    world = World(args.beds, args.speed)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(world, args.kiosk_dir))
    server.daemon_threads = True
    print(f"mock dwelld on http://{args.host}:{args.port} ({args.beds} beds, speed {args.speed})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
