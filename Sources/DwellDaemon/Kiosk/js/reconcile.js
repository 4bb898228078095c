// After a rapid removal: how many needles were recovered? A big number with big − and +
// buttons (no keyboard), sent as `reconcile`; a mismatch then shows as needles unaccounted.

import { command } from "./api.js";
import { outstanding, plural } from "./format.js";
import { $, beds, setBoxError, setText } from "./state.js";

const dialog = $("#reconcile-dialog");
const entry = { bed: null, count: 0 };
const MAX = 999;

export function openReconcile(id) {
  entry.bed = id;
  entry.count = 0;  // counted from nothing: never a number to tap through unchecked
  $("#reconcile-bed").textContent = id;
  setBoxError($("#reconcile-error"), "");
  renderReconcile();
  if (!dialog.open) dialog.showModal();
}

function renderReconcile() {
  const d = beds.get(entry.bed)?.data;
  const expected = d ? outstanding(d) : 0;
  setText($("#reconcile-expected"), `${plural(expected, "needle")} counted in when they were removed`);
  setText($("#reconcile-count"), String(entry.count));
  $("#reconcile-minus").disabled = entry.count <= 0;
  $("#reconcile-plus").disabled = entry.count >= MAX;
  setText($("#reconcile-submit"), `${entry.count} recovered`);
}

function step(delta) {
  entry.count = Math.min(MAX, Math.max(0, entry.count + delta));
  renderReconcile();
}

$("#reconcile-minus").addEventListener("click", () => step(-1));
$("#reconcile-plus").addEventListener("click", () => step(1));
$("#reconcile-cancel").addEventListener("click", () => dialog.close());
dialog.addEventListener("close", () => { entry.bed = null; });
$("#reconcile-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const submit = $("#reconcile-submit");
  submit.disabled = true;
  try {
    const res = await command(entry.bed, "reconcile", { recovered: entry.count });
    if (res.ok) dialog.close();
    else setBoxError($("#reconcile-error"), `Not recorded: ${res.message}`);
  } finally {
    submit.disabled = false;
  }
});

export function reconcileFollows(bed) {
  // The dialog belongs to the reconcile phase: it closes when the bed leaves it.
  if (entry.bed !== bed.id || !dialog.open) return;
  if (bed.data.state !== "reconcile") dialog.close();
  else renderReconcile();
}
