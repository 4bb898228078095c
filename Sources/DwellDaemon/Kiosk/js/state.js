// Dwell kiosk page: what every module shares (the tuning constants, the phase sets, the
// beds shown, the connection's state) and the small DOM helpers. No imports.

export const API = "/api/v1";
export const POLL_MS = 1000;            // fallback polling interval
export const STREAM_RETRY_MS = 5000;    // re-open a stream that closed for good
export const STALL_MS = 3500;           // a bed with a session must hear from the server this often
export const ERROR_SHOW_MS = 20000;     // how long a command error stays on a card
export const CONFIRM_MS = 8000;         // an unanswered confirmation goes away
export const HOLD_MS = 1000;            // hold-to-confirm: how long a destructive button is held
export const SHEET_IDLE_MS = 45000;     // an untouched action sheet goes back to the overview

// Phases whose remaining time counts on between server updates.
export const TICKING = new Set(["running", "rest", "overrun", "observation"]);
// Phases without a session (dwelld publishes the others every second).
export const ENDED = new Set(["idle", "completed", "aborted"]);
// Phases in which needles can be counted in and out from the needle dialog.
export const COUNTING = new Set(["running", "rest", "paused", "overrun", "unaccounted", "interrupted"]);
export const STATE_WORDS = {
  idle: "IDLE", running: "RUNNING", rest: "REST", paused: "PAUSED", overrun: "OVERRUN",
  observation: "OBSERVATION", unaccounted: "UNACCOUNTED", reconcile: "COUNT NEEDLES", interrupted: "INTERRUPTED",
  completed: "COMPLETED", aborted: "ABORTED", sweep: "CHECK COUCH & FLOOR",
};
// Commands confirmed by holding a button placed apart from the one that asked.
export const CONFIRMS = {
  abort: { yes: "Hold to abort", no: "Keep going" },
  "rapid-removal": { yes: "Hold: all out now", no: "Cancel" },
  finish: { yes: "Hold to finish", no: "Cancel" },
};

export const beds = new Map();        // bed id -> {data, at (performance.now of receipt), el, ...}

export const conn = {
  stream: null, streamOpen: false, lastStreamMsg: 0,
  pollTimer: null, pollOk: false, lastOk: 0, lastOkWall: null, retryTimer: null,
};

// DOM helpers.
export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
export const beds_el = $("#beds");

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

export function setBoxError(box, text) {
  box.textContent = text;
  box.hidden = !text;
}
