// Connection: Server-Sent Events, polling as a fallback, a banner when neither works.

import { api } from "./api.js";
import { update } from "./cards.js";
import { wallTime } from "./format.js";
import { $, beds, conn, ENDED, POLL_MS, setText, STALL_MS, STREAM_RETRY_MS } from "./state.js";

export function isStale() {
  return !conn.streamOpen && !conn.pollOk;
}

// The stream is read with fetch (EventSource cannot send the token): `event: bed` messages.
export function openStream() {
  clearTimeout(conn.retryTimer);
  if (conn.stream) conn.stream.abort();
  const controller = new AbortController();
  conn.stream = controller;
  const lost = () => {
    if (conn.stream !== controller) return;
    conn.streamOpen = false;
    startPolling();
    conn.retryTimer = setTimeout(openStream, STREAM_RETRY_MS);
    refreshConnection();
  };
  (async () => {
    const res = await api("stream", { signal: controller.signal });
    if (!res.ok || !res.body) throw new Error(String(res.status));
    conn.streamOpen = true;
    conn.lastStreamMsg = performance.now();
    stopPolling();
    refreshConnection();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
        if (!/^event: bed$/m.test(message) || !data) continue;
        conn.streamOpen = true;
        conn.lastStreamMsg = performance.now();
        markOk();
        try { update(JSON.parse(data)); } catch (_) { /* ignore a malformed event */ }
      }
    }
  })().then(lost, lost);
}

export function markOk() {
  conn.lastOk = performance.now();
  conn.lastOkWall = new Date();
}

function startPolling() {
  if (conn.pollTimer) return;
  const tick = async () => {
    try {
      const res = await api("beds");
      if (!res.ok) throw new Error(String(res.status));
      const list = await res.json();
      conn.pollOk = true;
      markOk();
      list.forEach(update);
    } catch (_) {
      conn.pollOk = false;
    }
    refreshConnection();
    if (conn.pollTimer) conn.pollTimer = setTimeout(tick, POLL_MS);
  };
  conn.pollTimer = setTimeout(tick, 0);
}

function stopPolling() {
  clearTimeout(conn.pollTimer);
  conn.pollTimer = null;
  conn.pollOk = false;
}

export function refreshConnection() {
  const now = performance.now();
  // A stream that went quiet while a session runs is dead even if the socket looks open.
  if (conn.streamOpen) {
    const anyLive = [...beds.values()].some((b) => b.data && !ENDED.has(b.data.state));
    if (anyLive && now - conn.lastStreamMsg > STALL_MS) {
      conn.streamOpen = false;
      startPolling();
      openStream();
    }
  }
  const status = $("#conn");
  const banner = $("#banner");
  let mode, text;
  if (conn.streamOpen) { mode = "live"; text = "Live"; }
  else if (conn.pollOk) { mode = "polling"; text = "Live (polling)"; }
  else if (!conn.lastOkWall) { mode = "connecting"; text = "Connecting…"; }
  else { mode = "lost"; text = "Connection lost"; }
  status.dataset.mode = mode;
  setText(status, text);
  document.body.classList.toggle("is-stale", isStale() && !!conn.lastOkWall);
  const showBanner = mode === "lost" || (mode === "connecting" && now > 4000);
  banner.hidden = !showBanner;
  if (showBanner) {
    // The lamps and buzzers are driven by the same daemon: if it is gone they may be stale too.
    setText(banner, conn.lastOkWall
      ? `NOT LIVE since ${wallTime(conn.lastOkWall)}: Dwell service lost. Bed lamps and buzzers run on it too – check every bed in person. Reconnecting…`
      : "No contact with the Dwell service. Bed lamps and buzzers run on it too – check every bed in person. Reconnecting…");
  }
}
