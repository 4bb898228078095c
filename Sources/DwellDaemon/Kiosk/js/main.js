// Dwell kiosk page: one glance card per bed, live from dwelld's /api/v1 (Server-Sent Events, with
// polling as a fallback), plus the patient-safety dialogs: the pre-start checklist, the needle
// count, and closing a session whose counts differ. ES modules, no build step, no dependencies:
// this entry module starts the page.
//
// Frame loop: smooth countdowns, silences, interruption times, staleness, clock.

import { api, getJSON, request, saveToken, send } from "./api.js";
import { render, update } from "./cards.js";
import { markOk, openStream, refreshConnection } from "./connection.js";
import { hoursMinutes } from "./format.js";
import { layout } from "./layout.js";
import { sound } from "./sound.js";
import { loadProtocols } from "./start.js";
import { $, beds, conn, setText } from "./state.js";

let lastClock = "";
function frame() {
  for (const bed of beds.values()) if (bed.data) render(bed);
  sound.follow(beds);
  const clock = hoursMinutes(new Date());
  if (clock !== lastClock) { $("#clock").textContent = clock; lastClock = clock; }
  refreshConnection();
}
setInterval(frame, 200);

async function initialLoad() {
  try {
    const res = await api("beds");
    if (res.ok) { markOk(); (await res.json()).forEach(update); }
  } catch (_) { /* the stream or polling will report */ }
}

// ---------------------------------------------------------------------------------------
// Record fault: a damaged clinic record found at start-up, shown until acknowledged.

const recordBanner = $("#record-banner");
function showRecord(status) {
  const fault = status && status.fault;
  recordBanner.hidden = !fault || !!fault.acknowledged;
  if (recordBanner.hidden) return;
  setText($("#record-text"), `CLINIC RECORD DAMAGED — moved to ${fault.moved_to}; beds shown interrupted`);
}
async function loadRecord() {
  const status = await getJSON("record");
  if (status) showRecord(status);
}
$("#record-ack").addEventListener("click", async () => {
  const res = await request("record/acknowledge", {});
  if (res.ok) showRecord(res.body); else setText($("#record-text"), res.message);
});
setInterval(loadRecord, 10000);
loadRecord();

// Clinic hub: a small note when this room's record has not reached the clinic's copy for a while
// (GET /api/v1/health says when: `notice`, past 5 minutes). Timing never depends on it.

const hubNote = $("#hub-note");
async function loadHealth() {
  const health = await getJSON("health");
  const hub = health && health.hub;
  hubNote.hidden = !hub || !hub.notice;
  if (!hubNote.hidden) setText(hubNote, `Clinic record not sent for ${Math.floor(hub.unsent_for_s / 60)} min`);
}
setInterval(loadHealth, 30000);
loadHealth();

function connect() {
  initialLoad();
  openStream();
  loadProtocols();
}

document.getElementById("token-form").addEventListener("submit", (event) => saveToken(event, connect));
connect();
frame();
sound.context();

// A small hook for tests and diagnostics.
window.DwellKiosk = { send, beds, conn, sound, layout };
