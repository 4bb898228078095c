// Dwell clinic board: every room's beds from the clinic hub, live over Server-Sent Events
// (GET /api/clinic/stream), polling GET /api/clinic when the stream is down. Read-only.

const WORDS = {
  idle: "IDLE", running: "RUNNING", rest: "REST", paused: "PAUSED", overrun: "OVERRUN",
  observation: "OBSERVATION", unaccounted: "UNACCOUNTED", reconcile: "COUNT NEEDLES", interrupted: "INTERRUPTED",
  completed: "COMPLETED", aborted: "ABORTED", sweep: "CHECK COUCH & FLOOR",
};
const ALARMS = /^(attention|reconcile|pause-overdue|needles-unaccounted|interrupted)/;
const $ = (selector) => document.querySelector(selector);

export function isAlarm(bed) { return !!bed.call || ALARMS.test(bed.signal || ""); }

function word(bed) {
  if (bed.call) return "PATIENT CALLING";
  if (bed.signal === "warning") return "ENDING SOON";
  return WORDS[bed.state] || String(bed.state || "unknown").toUpperCase();
}

function clock(ms) {
  if (ms == null) return "";
  const total = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function bedTile(bed) {
  const tile = el("div", "bed");
  tile.dataset.signal = bed.signal || "";
  tile.dataset.state = bed.state || "";
  tile.dataset.alarm = String(isAlarm(bed));
  tile.append(el("div", "name", `Bed ${bed.bed}`), el("div", "word", word(bed)),
    el("div", "time", clock(bed.remaining_ms)), el("div", "site", bed.current || (bed.protocol && bed.protocol.title) || ""));
  return tile;
}

function roomCard(room) {
  const card = el("section", "room");
  const alarm = !room.offline && room.beds.some(isAlarm);
  card.dataset.alarm = String(alarm);
  card.dataset.offline = String(room.offline);
  card.dataset.device = room.device;
  const head = el("div", "room-head");
  head.append(el("h2", null, room.device));
  if (room.offline) head.append(el("span", "offline", "OFFLINE"));
  head.append(el("span", "heard", room.silent_s == null ? "never reported" : `heard ${Math.round(room.silent_s)} s ago`));
  const beds = el("div", "beds");
  room.beds.forEach((bed) => beds.append(bedTile(bed)));
  card.append(head, beds);
  return { card, alarm };
}

// Alarms first (rooms with a bed in alarm), then rooms that report, then OFFLINE rooms; by name within.
export function order(rooms) {
  const rank = (room) => (!room.offline && room.beds.some(isAlarm) ? 0 : room.offline ? 2 : 1);
  return [...rooms].sort((a, b) => rank(a) - rank(b) || a.device.localeCompare(b.device));
}

function show(snapshot) {
  const main = $("#rooms");
  const cards = order(snapshot.rooms).map(roomCard);
  main.replaceChildren(...cards.map((c) => c.card));
  if (!cards.length) main.append(el("p", "empty", "No rooms at the clinic hub yet"));
  const alarms = cards.filter((c) => c.alarm).length;
  const offline = snapshot.rooms.filter((r) => r.offline).length;
  const summary = $("#summary");
  summary.dataset.alarms = String(alarms > 0);
  summary.textContent = `${snapshot.rooms.length} rooms · ${alarms} with alarms · ${offline} offline`;
  window.DwellClinic.last = snapshot;
}

function mode(text, name) { const c = $("#conn"); c.dataset.mode = name; c.textContent = text; }

let poller = null;
function connect() {
  const source = new EventSource("/api/clinic/stream");
  source.addEventListener("clinic", (event) => { mode("Live", "live"); show(JSON.parse(event.data)); });
  source.onerror = () => {
    mode("Reconnecting…", "lost");
    if (!poller) poller = setInterval(async () => {
      try { const res = await fetch("/api/clinic"); if (res.ok) show(await res.json()); } catch (_) { /* still down */ }
    }, 3000);
  };
  source.onopen = () => { if (poller) { clearInterval(poller); poller = null; } };
}

window.DwellClinic = { last: null, order, isAlarm };
setInterval(() => { $("#clock").textContent = new Date().toTimeString().slice(0, 5); }, 1000);
connect();
