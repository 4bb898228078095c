// What a card shows in each phase, and the remaining time counted on between updates.

import { isStale } from "./connection.js";
import { ago, countUp, hoursMinutes, mmss, outstanding } from "./format.js";
import { conn, STALL_MS, STATE_WORDS, TICKING } from "./state.js";

// Issue 14's cues on top of a phase: a patient calling (high priority), a check-in due (low).
export function cueOf(d) {
  if (d.call) return "calling";
  if (d.check_in_ms != null && d.check_in_ms <= 0) return "check-due";
  return "";
}

export function stateWord(d) {
  if (d.call) return "PATIENT CALLING";
  if (d.signal === "warning") return "ENDING SOON";
  // The card draws a pause sign before the word (kiosk.css), so a paused bed never reads as an
  // alarm by colour alone; a glyph character would need a font the kiosk may not have.
  if (/^pause-overdue/.test(d.signal)) return "PAUSE TOO LONG";
  return STATE_WORDS[d.state] || String(d.state || "unknown").toUpperCase();
}

export function describe(bed) {
  const d = bed.data;
  const v = { kind: "word", count: "--:--", note: "", steps: null, info: [], aftercare: false, progress: true };
  const left = outstanding(d);
  const stepLabel = d.step != null && d.step_count ? `Step ${d.step + 1}/${d.step_count}` : "Now";
  switch (d.state) {
    case "idle":
      Object.assign(v, { count: "Ready", note: "No session", progress: false });
      break;
    case "completed": case "aborted":
      Object.assign(v, { count: d.state === "completed" ? "Complete" : "Aborted", note: "Bed is free", aftercare: true });
      break;
    case "running": case "rest": case "paused":
      v.kind = "time";
      v.note = d.state === "paused" ? pausedNote(d) : d.state === "rest" ? "Rest left" : "Left in this step";
      v.steps = [[stepLabel, d.current], ["Next", d.next]];
      break;
    case "overrun":
      v.kind = "up";
      v.note = /escalated/.test(d.signal) ? "OVERRUN ALARM – needles still in?" : "OVERRUN – since the last step ended";
      v.steps = [["Now", d.current], ["Then", d.next]];
      break;
    case "observation":
      Object.assign(v, { kind: "time", note: "Observation left", aftercare: true });
      break;
    case "unaccounted":
      v.kind = "alarm";
      v.count = !d.needles ? "NEEDLES\nUNACCOUNTED"
        : left >= 0 ? `${left} NEEDLE${left === 1 ? "" : "S"}\nUNACCOUNTED` : `${-left} MORE OUT\nTHAN IN`;
      v.note = left >= 0 ? "Count them out – or close with a reason" : "Correct the count in – or close with a reason";
      v.steps = [["Now", d.current], ["Then", d.next]];
      v.progress = false;
      break;
    case "reconcile":
      // Rapid removal: out now, count later. A reminder until the count is entered.
      v.kind = "alarm";
      v.count = `${left} NEEDLE${left === 1 ? "" : "S"}\nTO COUNT`;
      v.note = "Removed at once – how many were recovered?";
      v.steps = [["Now", d.current], ["Then", d.next]];
      v.progress = false;
      break;
    case "interrupted":
      Object.assign(v, { kind: "alarm", count: "NEEDLES MAY\nSTILL BE IN", note: "INTERRUPTED – dwelld restarted", progress: false });
      v.info = interruptionLines(d.interruption);
      v.steps = [["To do", d.next]];
      break;
    case "sweep":
      Object.assign(v, { count: "Sweep", note: "Check the couch and the floor for needles", progress: false });
      break;
    default:
      // A phase this page does not know yet: its word, and what the server says.
      Object.assign(v, { count: String(d.state || "?").toUpperCase(), note: "" });
      v.steps = [["Now", d.current], ["Next", d.next]];
  }
  if (d.call) {
    const waited = d.call.waiting_ms != null ? ` – waiting ${mmss(d.call.waiting_ms)}` : "";
    v.note = `PATIENT CALLING${waited}`;
  } else if (d.check_in_ms != null && d.check_in_ms <= 0) {
    v.note = v.note ? `CHECK-IN DUE · ${v.note}` : "CHECK-IN DUE";
  }
  // Nobody answered for a while: the alarm escalated (the lamps and buzzer say so too).
  if (/-escalated$/.test(d.signal) && d.state !== "overrun") v.note = `ALARM ESCALATED – ${v.note}`;
  if (v.kind !== "word" && v.kind !== "alarm") {
    const r = liveRemaining(bed);
    if (r == null) v.kind = "word";
    else v.count = v.kind === "up" ? countUp(-r) : mmss(r);
  }
  return v;
}

function pausedNote(d) {
  // Paused past the clinic's pause limit with needles in: an alarm until resumed or counted out.
  if (/^pause-overdue/.test(d.signal)) return "PAUSE TOO LONG – needles in: resume or count them out";
  return "Paused – time is held";
}

function interruptionLines(i) {
  // "Session started 12 min ago (at 19:02)", how long ago the restart was found, and warnings.
  if (!i) return [];
  const lines = [];
  const detected = Date.parse(i.detected_at);
  const sinceFound = Number.isFinite(detected) ? Math.max(0, Date.now() - detected) : null;
  const started = Date.parse(i.started_at);
  let first = `Session started ${ago((i.since_start_ms || 0) + (sinceFound || 0))} ago`;
  if (Number.isFinite(started)) first += ` (at ${hoursMinutes(new Date(started))})`;
  lines.push({ text: first, cls: "since" });
  if (sinceFound != null) lines.push({ text: `Restart found ${ago(sinceFound)} ago`, cls: "found" });
  if (i.uncertain) lines.push({ text: "Clock not synchronised — times uncertain", cls: "warn" });
  if (!i.resumable) lines.push({ text: i.reason || "This session cannot be resumed: count the needles, then finish it", cls: "warn" });
  return lines;
}

// Between server updates the remaining time counts on locally.

export function sinceReceipt(bed, now = performance.now()) {
  // Time since the bed's last update, but never more than a few seconds on our own; when
  // the connection is lost, held at the last moment we heard from the server.
  const until = isStale() ? Math.max(bed.at, conn.lastOk) : now;
  return Math.min(Math.max(0, until - bed.at), STALL_MS);
}

export function liveRemaining(bed, now = performance.now()) {
  const d = bed.data;
  if (d.remaining_ms == null) return null;
  if (!TICKING.has(d.state)) return d.remaining_ms;
  const r = d.remaining_ms - sinceReceipt(bed, now);
  // Do not predict the end of a step: the server says when it has ended.
  if (d.remaining_ms >= 0 && d.state !== "overrun") return Math.max(0, r);
  return r;
}
