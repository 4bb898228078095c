// The details of a bed, on its card (as room allows) and in its action sheet: what the phase
// says, the protocol and steps, the needle counts, an interruption, aftercare, progress.

import { stepLength } from "./format.js";
import { liveRemaining } from "./phases.js";
import { $, el, setText } from "./state.js";

export function renderDetails(bed, root, v, inSheet = false) {
  const note = $(".count-note", root);
  if (note) setText(note, v.note);
  const d = bed.data;
  const protocol = $(".protocol", root);
  setText(protocol, d.protocol ? d.protocol.title : "");
  protocol.title = d.protocol ? `${d.protocol.title} (v${d.protocol.version})` : "";
  renderSteps(root, v);
  renderNeedles(root, d);
  renderInfo(root, v, inSheet ? "sheetInfoKey" : "infoKey", bed);
  renderAftercare(root, v, d);
  const progress = $(".progress", root);
  if (progress) renderProgress(bed, progress, v);
}

function renderSteps(root, v) {
  const steps = $(".steps", root);
  const rows = (v.steps || []).filter(([, text]) => text);
  steps.hidden = !rows.length;
  [$(".current", steps), $(".next", steps)].forEach((row, i) => {
    row.hidden = !rows[i];
    if (!rows[i]) return;
    setText($(".label", row), rows[i][0]);
    setText($(".text", row), rows[i][1]);
  });
}

function renderNeedles(root, d) {
  const box = $(".needles", root);
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

export function renderInfo(root, v, keyName, bed) {
  const box = $(".info", root);
  const key = JSON.stringify(v.info);
  if (key === bed[keyName]) return;
  bed[keyName] = key;
  box.replaceChildren(...v.info.map((line) => el("div", `info-line ${line.cls}`, line.text)));
  box.hidden = !v.info.length;
}

function renderAftercare(root, v, d) {
  const box = $(".aftercare", root);
  const text = v.aftercare && d.aftercare ? d.aftercare : "";
  box.hidden = !text;
  setText($(".text", box), text);
}

function renderProgress(bed, progress, v) {
  const d = bed.data;
  const bar = $(".bar", progress);
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
