// Cards: one per bed, built once and updated from the server's bed status.

import { cancelConfirm, renderActions } from "./actions.js";
import { isStale } from "./connection.js";
import { dialogsFollow } from "./dialogs.js";
import { mmss, outstanding, stepLength, wallTime } from "./format.js";
import { fitCount, fitText, layout, squeeze } from "./layout.js";
import { describe, liveRemaining, sinceReceipt } from "./phases.js";
import { reconcileFollows } from "./reconcile.js";
import { $, beds, beds_el, el, ENDED, setText, STALL_MS, STATE_WORDS } from "./state.js";

export function cardFor(id) {
  let bed = beds.get(id);
  if (bed) return bed;
  const node = $("#card-template").content.firstElementChild.cloneNode(true);
  node.id = `bed-${id}`;
  node.dataset.bed = id;
  $(".bed-no", node).textContent = id;
  node.setAttribute("aria-label", `Bed ${id}`);
  bed = { id, el: node, data: null, at: 0, wall: null, confirm: null, busy: false,
          errorTimer: null, confirmTimer: null, stepMax: new Map(), actionsKey: "", infoKey: "", squeezeKey: "" };
  beds.set(id, bed);
  $("#empty")?.remove();
  const sorted = [...beds.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  sorted.forEach((b) => beds_el.appendChild(b.el));
  // Refit the big text and the aftercare whenever their boxes change size.
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(() => fitCount($(".countdown", node))).observe($(".count-wrap", node));
    for (const part of [".aftercare", ".info"]) new ResizeObserver(() => fitText($(part, node))).observe($(part, node));
  }
  layout();
  return bed;
}

export function update(data) {
  if (!data || data.bed == null) return;
  const bed = cardFor(String(data.bed));
  const prev = bed.data;
  bed.data = data;
  bed.at = performance.now();
  bed.wall = new Date();
  if (!prev || prev.state !== data.state || prev.signal !== data.signal || prev.fault !== data.fault) {
    announce(bed, prev);
    if (prev && prev.state !== data.state) cancelConfirm(bed);
  }
  render(bed);
  dialogsFollow(bed);
  reconcileFollows(bed);
}

function announce(bed, prev) {
  const d = bed.data;
  let text = `Bed ${bed.id}: ${stateWord(d).toLowerCase()}`;
  if (d.signal === "attention-escalated") text += ", alarm: needles may still be in";
  if (/^pause-overdue/.test(d.signal)) text += ", paused too long with needles in";
  const left = outstanding(d);
  if (d.state === "unaccounted") text += `, needle counts differ (${left >= 0 ? `${left} not counted out` : `${-left} more out than in`})`;
  if (d.state === "interrupted") text += ", dwelld restarted during the session: needles may still be in";
  if (d.state === "reconcile") text += ", needles removed at once: enter how many were recovered";
  if (d.signal === "silenced") text += ", alarm silenced";
  if (d.fault && !(prev && prev.fault)) text += ", device fault";
  if (!d.fault && prev && prev.fault) text += ", fault cleared";
  const line = el("p", null, text + ".");
  const region = $("#announce");
  region.appendChild(line);
  while (region.childElementCount > 4) region.firstElementChild.remove();
}

function stateWord(d) {
  if (d.signal === "warning") return "ENDING SOON";
  // The card draws a pause sign before the word (kiosk.css), so a paused bed never reads as an
  // alarm by colour alone; a glyph character would need a font the kiosk may not have.
  if (/^pause-overdue/.test(d.signal)) return "PAUSE TOO LONG";
  return STATE_WORDS[d.state] || String(d.state).toUpperCase();
}

export function render(bed) {
  const d = bed.data;
  if (!d) return;
  const node = bed.el;
  node.dataset.state = d.state;
  node.dataset.signal = d.signal;
  node.classList.toggle("fault", !!d.fault);
  $(".fault-badge", node).hidden = !d.fault;
  setText($(".state-word", node), stateWord(d));
  setText($(".protocol", node), d.protocol ? d.protocol.title : "");
  $(".protocol", node).title = d.protocol ? `${d.protocol.title} (v${d.protocol.version})` : "";
  // The therapist's code (e.g. t-01) of the bed's session, small beside the bed's name.
  const therapist = d.state !== "idle" && d.therapist ? String(d.therapist) : "";
  const who = $(".therapist", node);
  who.hidden = !therapist;
  setText(who, therapist);
  who.title = therapist ? `Therapist ${therapist}` : "";

  const v = describe(bed);
  renderCount(bed, v);
  renderNeedles(bed);
  renderInfo(bed, v);
  renderSteps(bed, v);
  renderAftercare(bed, v);
  renderSilence(bed);
  renderProgress(bed, v);
  renderActions(bed);
  renderStale(bed);
  squeeze(bed);
}

export function renderCount(bed, v = describe(bed)) {
  const count = $(".countdown", bed.el);
  bed.el.dataset.count = v.kind === "word" || v.kind === "alarm" ? v.kind : "time";
  count.classList.toggle("word", v.kind === "word");
  count.classList.toggle("alarm", v.kind === "alarm");
  setText($(".count-note", bed.el), v.note);
  if (count.textContent !== v.count) {
    const refit = count.textContent.length !== v.count.length || v.kind === "alarm" || v.kind === "word";
    count.textContent = v.count;
    if (refit) fitCount(count);
  }
}

function renderNeedles(bed) {
  const d = bed.data;
  const box = $(".needles", bed.el);
  const n = d.needles;
  box.hidden = !n || d.state === "idle";
  if (box.hidden) return;
  setText($(".needle-counts", box), `Needles in ${n.placed} · out ${n.removed}`);
  const left = $(".needle-left", box);
  let text = "", cls = "";
  if (n.outstanding > 0) {
    // While the steps run, needles in are expected: the counts say enough.
    if (!["running", "rest", "paused"].includes(d.state)) [text, cls] = [`${n.outstanding} STILL IN`, "strong"];
  } else if (n.outstanding < 0) {
    text = `${-n.outstanding} MORE OUT THAN IN`;
    cls = "strong";
  } else if (n.placed > 0) {
    text = "all out ✓";
    cls = "ok";
  }
  setText(left, text);
  left.className = `needle-left ${cls}`.trim();
  left.hidden = !text;
}

export function renderInfo(bed, v) {
  const box = $(".info", bed.el);
  const key = JSON.stringify(v.info);
  if (key === bed.infoKey) return;
  bed.infoKey = key;
  box.replaceChildren(...v.info.map((line) => el("div", `info-line ${line.cls}`, line.text)));
  box.hidden = !v.info.length;
  fitText(box);
}

function renderSteps(bed, v) {
  const steps = $(".steps", bed.el);
  const rows = (v.steps || []).filter(([, text]) => text);
  steps.hidden = !rows.length;
  [$(".current", steps), $(".next", steps)].forEach((row, i) => {
    row.hidden = !rows[i];
    if (!rows[i]) return;
    setText($(".label", row), rows[i][0]);
    setText($(".text", row), rows[i][1]);
  });
}

function renderAftercare(bed, v) {
  const box = $(".aftercare", bed.el);
  const text = v.aftercare && bed.data.aftercare ? bed.data.aftercare : "";
  const changed = box.hidden !== !text || $(".text", box).textContent !== text;
  box.hidden = !text;
  setText($(".text", box), text);
  if (changed) fitText(box);
}

export function renderSilence(bed) {
  const d = bed.data;
  const note = $(".silence-note", bed.el);
  note.hidden = d.silenced_ms == null;
  if (note.hidden) return;
  const left = Math.max(0, d.silenced_ms - sinceReceipt(bed));
  setText(note, `SILENCED ${mmss(left)} · buzzer off`);
  note.title = "The alarm still stands; only the buzzer is quiet for a while.";
}

export function renderProgress(bed, v) {
  const d = bed.data;
  const bar = $(".bar", bed.el);
  const progress = $(".progress", bed.el);
  let frac = 0;
  const n = d.step_count || 0;
  if (d.state === "completed" || d.state === "overrun" || d.state === "observation") frac = 1;
  else if (d.step != null && n > 0) {
    // Steps done plus the share of the current one.
    const key = `${d.session}/${d.step}`;
    const seen = Math.max(bed.stepMax.get(key) || 0, d.remaining_ms || 0);
    bed.stepMax.set(key, seen);
    // The step's length: `step_ms` if the server sends it, else read from the description.
    const len = Math.max(d.step_ms || stepLength(d.current) || 0, seen);
    const r = liveRemaining(bed);
    const within = len > 0 && r != null ? Math.min(1, Math.max(0, 1 - r / len)) : 0;
    frac = (d.step + within) / n;
  } else if (d.state === "aborted" && d.planned_ms) {
    frac = Math.min(1, (d.elapsed_ms || 0) / d.planned_ms);
  }
  const pct = Math.round(frac * 1000) / 10;
  bar.style.width = `${pct}%`;
  progress.setAttribute("aria-valuenow", String(Math.round(pct)));
  progress.hidden = !v.progress;
}

export function renderStale(bed) {
  const live = bed.data && !ENDED.has(bed.data.state);
  const stale = isStale() || (live && performance.now() - bed.at > STALL_MS);
  bed.el.classList.toggle("stale", stale);
  const note = $(".stale-note", bed.el);
  note.hidden = !stale;
  if (stale) setText(note, `NOT LIVE – last update ${wallTime(bed.wall)}`);
}
