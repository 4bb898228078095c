// Dwell kiosk page: one card per bed, live from dwelld's /api/v1 (Server-Sent Events, with
// polling as a fallback), plus the patient-safety dialogs: the pre-start checklist, the needle
// count, and closing a session whose counts differ. ES modules, no build step, no dependencies:
// this entry module starts the page.
//
// Frame loop: smooth countdowns, silences, interruption times, staleness, clock.

import { renderActions } from "./actions.js";
import { api, getJSON, request, saveToken, send } from "./api.js";
import { renderCount, renderInfo, renderProgress, renderSilence, renderStale, update } from "./cards.js";
import { markOk, openStream, refreshConnection } from "./connection.js";
import { hoursMinutes } from "./format.js";
import { squeeze } from "./layout.js";
import { describe } from "./phases.js";
import { loadProtocols } from "./start.js";
import { $, beds, conn, setText } from "./state.js";

let lastClock = "";
function frame() {
  for (const bed of beds.values()) {
    if (!bed.data) continue;
    const v = describe(bed);
    renderCount(bed, v);
    if (bed.data.step != null) renderProgress(bed, v);
    if (bed.data.state === "interrupted") renderInfo(bed, v);
    renderSilence(bed);
    renderStale(bed);
    renderActions(bed);
    squeeze(bed);
  }
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

function connect() {
  initialLoad();
  openStream();
  loadProtocols();
}

document.getElementById("token-form").addEventListener("submit", (event) => saveToken(event, connect));
connect();
frame();

// A small hook for tests and diagnostics.
window.DwellKiosk = { send, beds, conn };
