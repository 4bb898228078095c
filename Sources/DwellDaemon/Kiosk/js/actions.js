// A card's buttons, the confirmations asked first, and a refused command's message.

import { send } from "./api.js";
import { isStale } from "./connection.js";
import { openClose, openExtendReason, openNeedles } from "./dialogs.js";
import { outstanding, plural } from "./format.js";
import { squeeze } from "./layout.js";
import { openReconcile } from "./reconcile.js";
import { openStart } from "./start.js";
import { $, CONFIRM_MS, CONFIRMS, el, ERROR_SHOW_MS } from "./state.js";

const RAPID = ["rapid-removal", "Rapid removal", "danger-outline small"];
const NEEDLES = ["needles", "Needles", "small"];
const SILENCE = ["silence", "Silence", "small"];

function actionsFor(d) {
  switch (d.state) {
    case "idle": case "completed": case "aborted":
      return [[["start", "Start", "primary"]]];
    case "running": case "rest":
      return [[["pause", "Pause", ""], ["extend", "+1\u00a0min", ""], ["skip", "Skip", ""]],
              [NEEDLES, ["abort", "Abort", "danger small"], RAPID]];
    case "paused":
      return [[["resume", "Resume", "primary"], ["extend", "+1\u00a0min", ""]],
              [NEEDLES, ["abort", "Abort", "danger small"], RAPID]];
    case "overrun":
      return [[["ack", "Needles out – acknowledge", "primary ack"], ["extend", "+1\u00a0min", ""]],
              [NEEDLES, SILENCE, RAPID]];
    case "observation":
      return [[["skip", "End observation", ""], ["extend", "+1\u00a0min", ""]]];
    case "unaccounted":
      // Rapid removal settles nothing here: count the needles, or close with a reason.
      return [[["needles", "Count needles", "primary"], ["close", "Close with reason…", ""]],
              [SILENCE]];
    case "reconcile":
      return [[["reconcile", "How many recovered?", "primary"]], [SILENCE]];
    case "interrupted": {
      const resumable = !d.interruption || d.interruption.resumable !== false;
      const first = [["needles", "Count needles", "primary"]];
      if (resumable) first.push(["resume", "Resume", ""]);
      first.push(["finish", "Finish", ""]);
      return [first, [SILENCE, RAPID]];
    }
    default:
      return [];
  }
}

function confirmQuestion(bed) {
  if (bed.confirm === "rapid-removal") return "Needle shock / fainting: all needles out now? Timing stops; count them after.";
  const left = outstanding(bed.data);
  return `Abort the session on bed ${bed.id}?` + (left > 0 ? ` ${plural(left, "needle")} still counted in.` : "");
}

export function renderActions(bed) {
  const box = $(".actions", bed.el);
  const rows = actionsFor(bed.data);
  const list = bed.confirm ? `confirm-${bed.confirm}` : rows.map((row) => row.map((a) => a[0]).join(",")).join("/");
  const key = `${list}|${bed.busy}|${isStale()}`;
  if (key === bed.actionsKey) return;
  bed.actionsKey = key;
  box.replaceChildren();
  box.classList.toggle("confirming", !!bed.confirm);
  box.classList.toggle("two-rows", rows.length > 1 || !!bed.confirm);
  if (bed.confirm) {
    const what = bed.confirm;
    const q = el("p", "confirm-q", confirmQuestion(bed));
    q.setAttribute("role", "alert");
    const row = el("div", "action-row");
    row.append(
      button(`confirm-${what}`, CONFIRMS[what].yes, "danger", () => { cancelConfirm(bed); send(bed.id, what); }),
      button(`cancel-${what}`, CONFIRMS[what].no, "", () => cancelConfirm(bed)));
    box.append(q, row);
    return;
  }
  for (const actions of rows) {
    const row = el("div", "action-row");
    for (const [cmd, label, cls] of actions) {
      const b = button(cmd, label, cls, () => onAction(bed, cmd));
      b.disabled = bed.busy || isStale();
      row.append(b);
    }
    box.append(row);
  }
}

function button(cmd, label, cls, handler) {
  const b = el("button", `btn ${cls}`.trim(), label);
  b.type = "button";
  b.dataset.cmd = cmd;
  b.addEventListener("click", handler);
  return b;
}

function onAction(bed, cmd) {
  clearError(bed);
  switch (cmd) {
    case "start": return openStart(bed.id);
    case "needles": return openNeedles(bed.id);
    case "close": return openClose(bed.id);
    case "reconcile": return openReconcile(bed.id);
    case "abort": case "rapid-removal": return askConfirm(bed, cmd);
    case "extend": return extend(bed);
    case "ack":
      // Count them out first: with needles still counted in, the button opens the count.
      if (outstanding(bed.data) > 0) return openNeedles(bed.id);
      return send(bed.id, "ack");
    default: return send(bed.id, cmd);
  }
}

async function extend(bed) {
  // Past the clinic's longest session an extension needs a reason: only then is one asked for.
  const res = await send(bed.id, "extend", { by: "1m" });
  if (!res.ok && res.title === "Reason required") {
    clearError(bed);
    openExtendReason(bed.id, res.message);
  }
  return res;
}

function askConfirm(bed, what) {
  clearTimeout(bed.confirmTimer);
  bed.confirm = what;
  renderActions(bed);
  bed.confirmTimer = setTimeout(() => cancelConfirm(bed), CONFIRM_MS);
}

export function cancelConfirm(bed) {
  clearTimeout(bed.confirmTimer);
  if (!bed.confirm) return;
  bed.confirm = null;
  renderActions(bed);
}

export function showError(bed, message) {
  const box = $(".error", bed.el);
  box.textContent = message;
  box.hidden = false;
  clearTimeout(bed.errorTimer);
  bed.errorTimer = setTimeout(() => clearError(bed), ERROR_SHOW_MS);
  if (bed.data) squeeze(bed);
}

export function clearError(bed) {
  clearTimeout(bed.errorTimer);
  const box = $(".error", bed.el);
  box.hidden = true;
  box.textContent = "";
  if (bed.data) squeeze(bed);
}
