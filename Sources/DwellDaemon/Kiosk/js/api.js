// Talking to dwelld's /api/v1: the access token, JSON requests, commands and their refusals.

import { clearError, renderActions, showError } from "./actions.js";
import { cardFor, render, update } from "./cards.js";
import { API } from "./state.js";

// ---------------------------------------------------------------------------------------
// Access: when dwelld has a token (it listens beyond loopback), this browser keeps it once
// entered (or handed over as #token=… in the kiosk's start URL) and sends it with every call.

const TOKEN_KEY = "dwell-token";
let token = null;
try { token = localStorage.getItem(TOKEN_KEY); } catch (_) { /* storage disabled */ }
const handed = /(?:^#|&)token=([^&]+)/.exec(location.hash);
if (handed) {
  token = decodeURIComponent(handed[1]);
  try { localStorage.setItem(TOKEN_KEY, token); } catch (_) { /* kept for this page only */ }
  history.replaceState(null, "", location.pathname + location.search);
}

// Every API call: JSON for POSTs (dwelld refuses anything else), the token when there is one.
export async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (options.method === "POST") headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${API}/${path}`, { cache: "no-store", ...options, headers });
  if (res.status === 401) askForToken();
  return res;
}

function askForToken() {
  const dialog = document.getElementById("token-dialog");
  if (!dialog || dialog.open) return;
  document.getElementById("token-error").hidden = !token;
  document.getElementById("token-input").value = "";
  dialog.showModal();
}

// The token typed into the dialog: kept, then `reconnect()` loads everything again with it.
export function saveToken(event, reconnect) {
  event.preventDefault();
  const value = document.getElementById("token-input").value.trim();
  if (!value) return;
  token = value;
  try { localStorage.setItem(TOKEN_KEY, token); } catch (_) { /* kept for this page only */ }
  document.getElementById("token-dialog").close();
  reconnect();
}

// ---------------------------------------------------------------------------------------
// Commands

export async function command(id, cmd, body) {
  // Sends a command; the bed's new state is shown at once. Returns {ok, message}.
  const res = await request(`beds/${encodeURIComponent(id)}/${cmd}`, body);
  if (res.ok) update(res.body);
  return res;
}

export async function send(id, cmd, body) {
  // A command from a card's button: the card is busy meanwhile and shows a refusal.
  const bed = cardFor(String(id));
  clearError(bed);
  bed.busy = true;
  renderActions(bed);
  try {
    const res = await command(id, cmd, body);
    if (!res.ok) showError(bed, res.message);
    return res;
  } finally {
    bed.busy = false;
    render(bed);
  }
}

export async function request(path, body) {
  try {
    const res = await api(path, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) });
    let payload = null;
    try { payload = await res.json(); } catch (_) { /* not JSON */ }
    if (res.ok) return { ok: true, body: payload };
    const title = payload && typeof payload === "object" ? payload.title : undefined;
    return { ok: false, status: res.status, title, message: problemText(res, payload) };
  } catch (e) {
    return { ok: false, status: 0, message: "No answer from the Dwell service: the command was not sent. Check the connection and try again." };
  }
}

function problemText(res, p) {
  if (p && typeof p === "object" && (p.detail || p.title)) {
    return p.detail ? String(p.detail) : String(p.title);
  }
  return `The Dwell service refused the command (HTTP ${res.status}${res.statusText ? " " + res.statusText : ""}).`;
}

// A GET whose JSON answer is wanted; null when there is none (offline, refused, not JSON).
export async function getJSON(path) {
  try {
    const res = await api(path);
    if (!res.ok) throw new Error(String(res.status));
    return await res.json();
  } catch (_) {
    return null;
  }
}
