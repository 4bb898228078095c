#!/usr/bin/env python3
"""A small mock of dwelld's HTTP API, for developing and testing the kiosk page.

Serves the real page files (Sources/DwellDaemon/Kiosk) at /, /kiosk.css, /kiosk.js and the
/api/v1 contract: beds, protocols, the pre-start checklist, commands (including the needle
ledger, silence, rapid removal, close with a reason, finish and resume of an interrupted
session), RFC 9457 problems and the Server-Sent Events stream. Each bed runs a small copy of
the session state machine (Sources/DwellCore) on a fake clock (`--speed N` runs it N times
faster than real time).

Mock-only controls (never part of the real daemon; the browser test uses them only when
`GET /_mock` answers 200):
  POST /_mock/offline      every /api request answers 503 and open streams are closed
  POST /_mock/online       back to normal
  POST /_mock/nostream     /api/v1/stream answers 503 (polling still works)
  POST /_mock/stream       the stream works again
  POST /_mock/fault/{bed}  toggles the bed's fault flag
  POST /_mock/interrupt/{bed}[?uncertain=1][&resumable=0]
                           as if dwelld had restarted during the bed's session: the bed goes
                           to `interrupted` with an `interruption` object (409 if no session runs)

Run:  python3 Tests/Kiosk/mock_dwelld.py --port 18470 [--beds 2] [--speed 1]
"""

import argparse
import datetime
import json
import os
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

HERE = os.path.dirname(os.path.abspath(__file__))
KIOSK_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "Sources", "DwellDaemon", "Kiosk"))

ESCALATE_AFTER_MS = 60_000
SILENCE_FOR_MS = 2 * 60_000
MAX_EXTENSION_MS = 30 * 60_000
MAX_PER_SITE = 99
ENDED = ("idle", "completed", "aborted")

DEFAULT_AFTERCARE = (
    "Get up slowly. Drink water and keep gently active. Soreness for 24–48 hours is common "
    "(sometimes worse the next morning): heat or ice can help; bruising can last up to a week. "
    "Press firmly on bleeding that does not stop and call the clinic. Shortness of breath after "
    "needling near the chest or upper back: get emergency help."
)

# The standard pre-start checklist (GET /api/v1/checklist).
CHECKLIST = {
    "absolute": [
        {"code": "no-consent", "label": "Patient cannot or will not consent (fear, beliefs, communication, cognition, age)"},
        {"code": "medical-emergency", "label": "Medical emergency or acute condition"},
        {"code": "local-infection", "label": "Local infection at a needling site"},
        {"code": "lymphedema", "label": "Lymphedema in the area or limb"},
    ],
    "relative": [
        {"code": "bleeding", "label": "Abnormal bleeding tendency or blood thinners"},
        {"code": "immunocompromised", "label": "Compromised immune system"},
        {"code": "vascular-disease", "label": "Vascular disease"},
        {"code": "diabetes", "label": "Diabetes"},
        {"code": "pregnancy", "label": "Pregnancy"},
        {"code": "child-or-frail", "label": "Child (generally not under 12) or frail patient"},
        {"code": "epilepsy", "label": "Epilepsy"},
        {"code": "metal-latex-allergy", "label": "Metal or latex allergy"},
        {"code": "medications", "label": "Medications that weigh against needling"},
        {"code": "recent-surgery", "label": "Recent surgery"},
        {"code": "needle-fear", "label": "Strong fear of needles"},
        {"code": "cancer-treatment", "label": "Active cancer treatment"},
    ],
}
CHECKLIST_ITEMS = [dict(item, severity=sev) for sev in ("absolute", "relative") for item in CHECKLIST[sev]]


def site(code, label, needles, dwell_ms):
    return {"kind": "site", "site": code, "label": label, "needles": needles, "ms": dwell_ms}


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
            site("upper-trapezius-left", "Upper trapezius (left)", 2, 3 * M),
            site("upper-trapezius-right", "Upper trapezius (right)", 2, 3 * M),
            rest(1 * M),
            site("levator-scapulae-left", "Levator scapulae (left)", 1, 2 * M),
            site("levator-scapulae-right", "Levator scapulae (right)", 1, 2 * M),
            rest(1 * M),
            site("splenius-capitis-left", "Splenius capitis (left)", 1, 90 * S),
            site("splenius-capitis-right", "Splenius capitis (right)", 1, 90 * S),
        ],
    },
    {
        "id": "upper-trapezius-superficial", "title": "Upper trapezius, superficial dry needling",
        "version": 1, "technique": "superficial", "warn_before_ms": 30 * S, "observation_ms": 3 * M,
        "steps": [
            site("upper-trapezius-left", "Upper trapezius (left)", 2, 5 * M + 30 * S), rest(1 * M),
            site("upper-trapezius-right", "Upper trapezius (right)", 2, 5 * M + 30 * S),
        ],
    },
    {
        "id": "gluteus-medius-deep", "title": "Gluteus medius, deep dry needling",
        "version": 1, "technique": "deep", "warn_before_ms": 30 * S, "observation_ms": 0,
        "aftercare": "Walk gently today; avoid heavy hip exercise for 24 hours. Heat helps soreness.",
        "steps": [
            site("gluteus-medius-left", "Gluteus medius (left)", 2, 5 * M), rest(2 * M),
            site("gluteus-medius-right", "Gluteus medius (right)", 2, 5 * M),
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


def plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def iso(wall):
    return datetime.datetime.fromtimestamp(wall, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Rejected(Exception):
    def __init__(self, status, detail, title=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title


class Ledger:
    """Needles counted in and out, per site step (DwellCore's NeedleLedger)."""

    def __init__(self):
        self.placed = {}
        self.removed = {}
        self.surplus = 0

    def total_placed(self):
        return sum(self.placed.values())

    def total_removed(self):
        return sum(self.removed.values()) + self.surplus

    def difference(self):
        return self.total_placed() - self.total_removed()

    def outstanding(self, step):
        return self.placed.get(step, 0) - self.removed.get(step, 0)

    def place(self, count, step):
        if not isinstance(count, int) or not 0 <= count <= MAX_PER_SITE:
            raise ValueError(f"a needle count must be 0 to {MAX_PER_SITE}, not {count}")
        removed = self.removed.get(step, 0)
        if count < removed:
            raise ValueError(f"{plural(removed, 'needle')} {'was' if removed == 1 else 'were'} already counted out "
                             f"at this site; it cannot have had only {count}")
        self.placed[step] = count

    def remove(self, count, step):
        if count is not None and (not isinstance(count, int) or not 1 <= count <= MAX_PER_SITE):
            raise ValueError(f"a needle count must be 0 to {MAX_PER_SITE}, not {count}")
        if step is not None:
            left = self.outstanding(step)
            taking = left if count is None else count
            if taking < 1 or taking > left:
                raise ValueError(f"only {left} needle{' is' if left == 1 else 's are'} counted in at this site, not "
                                 f"{taking}; count extra needles out without a site")
            self.removed[step] = self.removed.get(step, 0) + taking
            return taking
        left = sum(max(0, self.outstanding(s)) for s in self.placed)
        rest_ = left if count is None else count
        if rest_ < 1:
            raise ValueError("no needles are counted in; nothing to remove")
        taken = rest_
        for s in sorted(self.placed):
            taking = min(rest_, max(0, self.outstanding(s)))
            self.removed[s] = self.removed.get(s, 0) + taking
            rest_ -= taking
        self.surplus += rest_
        return taken


class Bed:
    """One bed: the session state machine of Sources/DwellCore, reduced to what the API shows.

    `state` is one of idle, step, paused, overrun, observation, unaccounted, interrupted,
    completed, aborted (`step` shows as running or rest). Times are fake-clock ms."""

    def __init__(self, name):
        self.name = name
        self.fault = False
        self.protocol = None
        self.session = None
        self.therapist = None
        self.patient = None
        self.state = "idle"
        self.index = None
        self.end = 0  # step end, observation end
        self.since = 0  # paused since / alarm since / ended at
        self.escalated = False
        self.then = None  # unaccounted: how the session closes once counted ("observation", "completed", "aborted")
        self.previous = None  # interrupted: the state it was in
        self.resumable = True
        self.started = 0
        self.started_wall = 0.0
        self.silence_until = None
        self.silence_phase = None
        self.ledger = Ledger()
        self.interruption = None

    # -- time -------------------------------------------------------------------------
    def silenced(self):
        return self.silence_until is not None and self.silence_phase == self.phase()

    def advance(self, now):
        while True:
            if self.silence_until is not None and (self.silence_phase != self.phase() or now >= self.silence_until):
                self.silence_until = self.silence_phase = None
            elif self.state == "step" and now >= self.end:
                self._end_step(self.end)
            elif self.state == "observation" and now >= self.end:
                self.close("completed", self.end)
            elif (self.state in ("overrun", "unaccounted", "interrupted") and not self.escalated
                  and not self.silenced() and now >= self.since + ESCALATE_AFTER_MS):
                self.escalated = True
            else:
                return

    def _begin(self, index, at):
        self.state, self.index = "step", index
        step = self.protocol["steps"][index]
        self.end = at + step["ms"]
        # The protocol's needles go in as the site starts (a therapist corrects the count).
        if step["kind"] == "site" and index not in self.ledger.placed:
            self.ledger.place(step["needles"], index)

    def _end_step(self, at):
        if self.index + 1 < len(self.protocol["steps"]):
            self._begin(self.index + 1, at)
        else:
            self.state, self.since, self.escalated, self.index = "overrun", at, False, None

    def close(self, closing, at):
        """Ends the session as `closing` once the needles are accounted for; else unaccounted."""
        if self.ledger.difference() != 0:
            self.state, self.since, self.then, self.escalated, self.index = "unaccounted", at, closing, False, None
            return
        self.proceed(closing, at)

    def proceed(self, closing, at):
        self.index = None
        if closing == "observation":
            self.state, self.end = "observation", at + self.protocol["observation_ms"]
        else:
            self.state, self.since = closing, at

    def unaccounted_note(self):
        diff = self.ledger.difference()
        if diff > 0:
            return f"{plural(diff, 'needle')} counted in but not out: may still be in the patient"
        return f"{-diff} more needle{'' if diff == -1 else 's'} counted out than in: correct the count in"

    # -- commands ---------------------------------------------------------------------
    def start(self, protocol, therapist, patient, now):
        if self.state not in ENDED:
            raise Rejected(409, f"bed {self.name} is busy: a session is {self.phase()}", "Bed busy")
        self.protocol, self.session = protocol, str(uuid.uuid4())
        self.therapist, self.patient = therapist, patient
        self.started, self.started_wall, self.escalated = now, time.time(), False
        self.ledger, self.interruption, self.previous, self.then = Ledger(), None, None, None
        self.silence_until = self.silence_phase = None
        self._begin(0, now)

    def reason(self, name):
        phase = self.phase()
        if phase in ("completed", "aborted"):
            return "the session has ended; start a new one"
        if name == "resume" and phase == "interrupted":
            return "the session's protocol has changed since it started; finish it instead"
        if phase == "interrupted":
            return "dwelld restarted during this session: count the needles, then resume or finish"
        if phase == "unaccounted":
            return "the needle counts differ: count the missing needles out, correct the count in, or close with a reason"
        return {
            "finish": "only an interrupted session is finished this way; use abort",
            "resume": "the session is not paused",
            "ack": "there is nothing to acknowledge until the last step has ended",
            "silence": "there is no alarm to silence",
            "close": "the needle counts agree; nothing to close with a reason",
        }.get(name) or {
            ("rapid-removal", "observation"): "the needles are already out; the patient is resting",
            ("pause", "paused"): "the session is already paused",
            ("pause", "overrun"): "the last step has ended: count the needles out and acknowledge, or extend",
            ("skip", "overrun"): "the last step has ended: count the needles out and acknowledge, or extend",
            ("pause", "observation"): "observation cannot be paused; extend or skip it",
        }.get((name, phase), "not possible in this phase")

    def command(self, name, now, body):
        phase = self.phase()
        st = self.state

        def illegal(reason=None):
            raise Rejected(409, f"cannot {name} while {phase}: {reason or self.reason(name)}", "Not possible now")

        if st == "idle":
            raise Rejected(409, f"bed {self.name} has no session; start one first", "No session")
        if name == "pause":
            if st != "step":
                illegal()
            self.state, self.since = "paused", now
        elif name == "resume":
            if st == "paused":
                self.end += now - self.since
                self.state = "step"
            elif st == "interrupted" and self.resumable:
                # The needles stayed in meanwhile: time counted on; what came due happens now.
                for key, value in self.previous.items():
                    setattr(self, key, value)
                self.previous = None
                self.advance(now)
            else:
                illegal()
        elif name == "extend":
            by = body.get("by_ms", 60_000)
            if st in ("step", "paused"):
                self.end += by
            elif st == "overrun":
                self.index = len(self.protocol["steps"]) - 1
                self.state, self.end, self.escalated = "step", now + by, False
            elif st == "observation":
                self.end += by
            else:
                illegal()
        elif name == "skip":
            if st == "paused":
                self.end += now - self.since
                self.state = "step"
            if self.state == "step":
                self._end_step(now)
            elif st == "observation":
                self.close("completed", now)
            else:
                illegal()
        elif name == "ack":
            if st != "overrun":
                illegal()
            self.close("observation" if self.protocol["observation_ms"] > 0 else "completed", now)
        elif name == "abort":
            if st in ("step", "paused", "overrun", "observation"):
                self.close("aborted", now)
            elif st == "unaccounted" and self.then != "aborted":
                self.then = "aborted"
            elif st == "unaccounted":
                illegal("the session is already stopping; count the needles out, or close with a reason")
            else:
                illegal()
        elif name == "finish":
            if st != "interrupted":
                illegal()
            prev = self.previous["state"]
            closing = {"overrun": "completed", "observation": "completed"}.get(prev)
            if prev == "unaccounted":
                closing = "aborted" if self.previous["then"] == "aborted" else "completed"
            self.previous = None
            self.close(closing or "aborted", now)
        elif name == "silence":
            if st not in ("overrun", "unaccounted", "interrupted"):
                illegal()
            self.silence_until, self.silence_phase = now + SILENCE_FOR_MS, phase
        elif name == "rapid-removal":
            if st not in ("step", "paused", "overrun", "unaccounted", "interrupted"):
                illegal()
            if self.ledger.difference() > 0:
                self.ledger.remove(None, None)
            self.close("aborted", now)
        elif name in ("needles-in", "needles-out"):
            if st in ENDED:
                illegal()
            count, step = body.get("count"), body.get("step")
            if step is not None and not isinstance(step, int) or count is not None and not isinstance(count, int):
                raise Rejected(400, "`count` and `step` must be whole numbers", "Malformed JSON")
            if name == "needles-in" and count is None:
                raise Rejected(422, f"`count`: how many needles are in at the site (0 to {MAX_PER_SITE})", "Count required")
            if step is not None and step not in self.ledger.placed:
                illegal(f"step {step} is not a site whose needles have gone in")
            if step is None and name == "needles-in":
                if st not in ("step", "paused") or self.index not in self.ledger.placed:
                    illegal("name the site step (`step`): no site is in progress")
                step = self.index
            try:
                if name == "needles-in":
                    self.ledger.place(count, step)
                else:
                    self.ledger.remove(count, step)
            except ValueError as e:
                illegal(str(e))
            self._recheck(now)
        elif name == "close":
            reason = body.get("reason")
            if not isinstance(reason, str):
                raise Rejected(422, "`reason`: why the session closes with the needle counts differing "
                                    "(recorded as a possible adverse event)", "Reason required")
            if st != "unaccounted":
                illegal()
            if not 3 <= len(reason.strip()) <= 500:
                illegal("state the reason in 3 to 500 characters (it is recorded as a possible adverse event)")
            self.proceed(self.then, now)
        else:
            raise Rejected(404, f"`{name}`: use pause, resume, extend, skip, abort, ack, needles-in, needles-out, "
                                "rapid-removal, silence, close or finish", "Unknown command")

    def _recheck(self, now):
        if self.state == "unaccounted" and self.ledger.difference() == 0:
            self.proceed(self.then, now)
        elif self.state == "observation" and self.ledger.difference() != 0:
            self.close("completed", now)

    def interrupt(self, now, uncertain, resumable):
        """As if dwelld had restarted: the session is held until a therapist resumes or finishes."""
        if self.state in ENDED:
            raise Rejected(409, f"bed {self.name} has no session running to interrupt", "No session")
        if self.state != "interrupted":
            self.previous = {k: getattr(self, k) for k in ("state", "index", "end", "since", "escalated", "then")}
        self.state, self.since, self.escalated, self.index = "interrupted", now, False, None
        self.resumable = resumable
        since_start = now - self.started
        self.interruption = {
            "started_at": iso(self.started_wall),
            "last_event_at": iso(self.started_wall + since_start / 1000 / 2),
            "detected_at": iso(time.time()),
            "since_start_ms": since_start,
            "uncertain": uncertain,
            "resumable": resumable,
        }
        if not resumable:
            self.interruption["reason"] = (f"cannot resume: protocol {self.protocol['id']} v{self.protocol['version']} is no "
                                           "longer loaded as it was when the session started; finish the session and start a new one")

    # -- views ------------------------------------------------------------------------
    def phase(self):
        if self.state == "step":
            return "rest" if self.protocol["steps"][self.index]["kind"] == "rest" else "running"
        return self.state

    def signal(self, now):
        st = self.state
        if self.silenced():
            return "silenced"
        if st == "step":
            step = self.protocol["steps"][self.index]
            if step["kind"] == "rest":
                return "rest"
            if step["ms"] > self.protocol["warn_before_ms"] and self.end - now <= self.protocol["warn_before_ms"]:
                return "warning"
            return "running"
        esc = "-escalated" if self.escalated else ""
        return {"paused": "paused", "observation": "observation",
                "overrun": "attention-escalated" if self.escalated else "attention",
                "unaccounted": "needles-unaccounted" + esc, "interrupted": "interrupted" + esc}.get(st, "idle")

    def lamps(self, signal, now):
        g = a = r = buzzer = False
        fast = ((now - self.since) % 500) < 250
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
        elif signal in ("attention-escalated", "needles-unaccounted", "needles-unaccounted-escalated",
                        "interrupted", "interrupted-escalated"):
            r = fast
            buzzer = signal != "attention-escalated" or fast
        elif signal == "silenced":
            a, r = self.state == "overrun", self.state != "overrun"
        if self.fault and not r:
            r = True
        return {"green": g, "amber": a, "red": r, "buzzer": buzzer}

    def needles_json(self):
        if not self.protocol:
            return None
        steps = self.protocol["steps"]
        return {
            "placed": self.ledger.total_placed(),
            "removed": self.ledger.total_removed(),
            "outstanding": self.ledger.difference(),
            "sites": [{"step": i, "site": steps[i].get("site", f"step-{i}"), "label": steps[i].get("label", f"step {i + 1}"),
                       "placed": self.ledger.placed[i], "removed": self.ledger.removed.get(i, 0)}
                      for i in sorted(self.ledger.placed)],
        }

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
        elif self.state == "unaccounted":
            current = self.unaccounted_note()
            nxt = {"observation": obs or "complete", "completed": "complete", "aborted": "end (aborted)"}[self.then]
        elif self.state == "interrupted":
            current = "dwelld restarted during this session: needles may still be in"
            nxt = "count the needles, then resume or finish" if self.resumable else "count the needles, then finish"
        if self.state in ("completed", "aborted"):
            elapsed = self.since - self.started
        elif self.state == "idle":
            elapsed = None
        else:
            elapsed = now - self.started
        interruption = dict(self.interruption, resumable=self.resumable) if self.interruption else None
        return {
            "bed": self.name,
            "state": self.phase(),
            "signal": sig,
            "protocol": {"id": p["id"], "title": p["title"], "version": p["version"]} if p else None,
            "session": self.session,
            "step": self.index if self.state in ("step", "paused") else None,
            "step_count": len(steps) if p else None,
            "current": current,
            "next": nxt,
            "remaining_ms": remaining,
            "elapsed_ms": elapsed,
            "planned_ms": sum(s["ms"] for s in steps) if p else None,
            "lamps": self.lamps(sig, now),
            "fault": self.fault,
            "therapist": self.therapist,
            "patient": self.patient,
            "needles": self.needles_json(),
            "silenced_ms": self.silence_until - now if self.silenced() else None,
            "aftercare": (p.get("aftercare") or DEFAULT_AFTERCARE) if p else None,
            "interruption": interruption,
        }


def screen(body):
    """The start's consent and checklist, in the daemon's order; raises Rejected (422)."""
    if body.get("consent") is not True:
        raise Rejected(422, "confirm the patient's informed consent (\"consent\": true) before starting; nothing was started",
                       "Consent required")
    answers = body.get("screening") or {}
    acknowledged = body.get("acknowledged") or []
    if not isinstance(answers, dict) or not isinstance(acknowledged, list):
        raise Rejected(400, "`screening` must be an object of true/false and `acknowledged` a list of codes", "Malformed JSON")
    known = {i["code"] for i in CHECKLIST_ITEMS}
    unknown = sorted((set(answers) | set(acknowledged)) - known)
    if unknown:
        raise Rejected(422, f"unknown checklist item{'' if len(unknown) == 1 else 's'} "
                            f"{', '.join(f'`{c}`' for c in unknown)}; GET /api/v1/checklist lists them", "Checklist incomplete")
    unanswered = [i["code"] for i in CHECKLIST_ITEMS if not isinstance(answers.get(i["code"]), bool)]
    if unanswered:
        raise Rejected(422, f"answer every checklist item yes or no; unanswered: {', '.join(unanswered)}; nothing was started",
                       "Checklist incomplete")
    present = [i for i in CHECKLIST_ITEMS if answers[i["code"]]]
    blocking = [i for i in present if i["severity"] == "absolute"]
    if blocking:
        raise Rejected(422, f"do not needle: absolute contraindication{'' if len(blocking) == 1 else 's'}: "
                            + "; ".join(f"{i['label']} (`{i['code']}`)" for i in blocking) + "; nothing was started",
                       "Contraindicated")
    missing = [i for i in present if i["code"] not in acknowledged]
    if missing:
        raise Rejected(422, f"relative contraindication{'' if len(missing) == 1 else 's'} present: "
                            + "; ".join(f"{i['label']} (`{i['code']}`)" for i in missing)
                            + "; weigh the risk and acknowledge each one to start", "Acknowledgement required")
    for field in ("therapist", "patient"):
        value = body.get(field)
        if value is not None and not (isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", value)):
            raise Rejected(422, f"`{field}` must be a code of letters, digits, `-`, `_` or `.` (at most 64), e.g. `p-0042`; "
                                "Dwell never stores names", f"Invalid {field}")


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


COMMANDS = ("pause", "resume", "skip", "abort", "ack", "extend", "silence", "finish", "rapid-removal",
            "needles-in", "needles-out", "close")


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
                        return self.problem(404, "Unknown bed", f"there is no bed `{m.group(1)}`")
                    return self.send_json(200, bed.json(now))
                if path == "/api/v1/checklist":
                    return self.send_json(200, CHECKLIST)
                if path == "/api/v1/protocols":
                    return self.send_json(200, [{
                        "id": p["id"], "title": p["title"], "version": p["version"], "technique": p["technique"],
                        "length_ms": sum(s["ms"] for s in p["steps"]), "observation_ms": p["observation_ms"],
                        "sites": [s["label"] for s in p["steps"] if s["kind"] == "site"],
                    } for p in PROTOCOLS])
            return self.problem(404, "Not Found", f"no such resource: {path}")

        def do_POST(self):
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if path.startswith("/_mock/"):
                return self.mock_control(path, parse_qs(query))
            if world.offline:
                return self.problem(503, "Service Unavailable", "mock is offline")
            m = re.fullmatch(r"/api/v1/beds/([^/]+)/([a-z-]+)", path)
            if not m:
                return self.problem(404, "Not Found", f"no such resource: {path}")
            body = {}
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError as e:
                    return self.problem(400, "Malformed JSON", f"the request body is not JSON: {e}")
                if not isinstance(body, dict):
                    return self.problem(400, "Malformed JSON", "the body is not the JSON object this endpoint takes")
            verb = m.group(2)
            with world.lock:
                now = world.now()
                bed = world.beds.get(m.group(1))
                if not bed:
                    return self.problem(404, "Unknown bed", f"there is no bed `{m.group(1)}`")
                bed.advance(now)
                try:
                    if verb == "session":
                        if not isinstance(body.get("protocol"), str):
                            raise Rejected(400, "the field `protocol` is missing", "Malformed JSON")
                        screen(body)
                        protocol = PROTOCOLS_BY_ID.get(body["protocol"])
                        if not protocol:
                            raise Rejected(404, f"there is no protocol `{body['protocol']}`; GET /api/v1/protocols lists them",
                                           "Unknown protocol")
                        bed.start(protocol, body.get("therapist"), body.get("patient"), now)
                        status = 201
                    elif verb in COMMANDS:
                        if verb == "extend" and "by" in body:
                            by = parse_duration(body.get("by"))
                            if by is None:
                                raise Rejected(422, f"`by`: `{body.get('by')}` is not a duration", "Bad extension")
                            if not 0 < by <= MAX_EXTENSION_MS:
                                raise Rejected(409, "an extension must be more than 0s and at most 30m", "Not possible now")
                            body["by_ms"] = by
                        bed.command(verb, now, body)
                        status = 200
                    else:
                        raise Rejected(404, f"`{verb}`: use pause, resume, extend, skip, abort, ack, needles-in, needles-out, "
                                            "rapid-removal, silence, close or finish", "Unknown command")
                except Rejected as r:
                    return self.problem(r.status, r.title or "Conflict", r.detail)
                world.notify()
                return self.send_json(status, bed.json(now))

        def mock_control(self, path, query):
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
                elif path.startswith("/_mock/interrupt/") and path[17:] in world.beds:
                    bed = world.beds[path[17:]]
                    now = world.now()
                    bed.advance(now)
                    flag = lambda name, default: query.get(name, [default])[0] not in ("0", "false", "no")  # noqa: E731
                    try:
                        bed.interrupt(now, uncertain=flag("uncertain", "0"), resumable=flag("resumable", "1"))
                    except Rejected as r:
                        return self.problem(r.status, r.title, r.detail)
                    world.notify()
                    return self.send_json(200, bed.json(now))
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
                            key = json.dumps({k: v for k, v in body.items()
                                              if k not in ("remaining_ms", "elapsed_ms", "silenced_ms", "lamps")})
                            previous = last_sent.get(name)
                            # Like dwelld: on every change, and every second while a session has not ended.
                            live = body["state"] not in ENDED
                            if previous is None or previous[0] != key or (live and wall - previous[1] >= 1.0):
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
