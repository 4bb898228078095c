// The start form, for a touchscreen without a keyboard: the therapist as a tile (the clinic's
// list, the last one on this bed preselected) or a code typed on the keypad; protocols as big
// tiles; the patient's code (optional) on the keypad; consent; the checklist by group.
// A returning therapist: card, protocol, consent, none, none, Start — six taps.

import { getJSON, request } from "./api.js";
import { update } from "./cards.js";
import { answerGroupNo, buildChecklist, checklistAnswers, checklistLoaded, flagItems, loadChecklist, openProblems, showLoading, withLabels } from "./checklist.js";
import { closeKeypad, openKeypad } from "./keypad.js";
import { $, $$, beds, el, setBoxError } from "./state.js";

const startDialog = $("#start-dialog");
const startForm = $("#start-form");
let startBed = null;
let protocols = null;          // [{id,title,...}] once loaded
let therapists = [];           // [{code,name}] from the clinic config
let serverError = "";          // the last refusal, until the form changes

export async function loadProtocols() {
  const list = await getJSON("protocols");
  if (Array.isArray(list)) protocols = list;
  return Array.isArray(list);
}

async function loadTherapists() {
  const list = await getJSON("therapists");
  therapists = Array.isArray(list) ? list : [];
}

const minutes = (ms) => `${Math.round(ms / 6000) / 10} min`;
const LAST = (id) => `dwell-last-therapist-${id}`;
const LAST_PROTOCOL = (id) => `dwell-last-protocol-${id}`;

function remembered(key) {
  try { return localStorage.getItem(key) || ""; } catch (_) { return ""; }
}

function lastTherapist(id) {
  try { const t = localStorage.getItem(LAST(id)); if (t) return t; } catch (_) { /* storage off */ }
  return beds.get(id)?.data?.therapist || "";
}

function tile(group, value, text, sub, checked) {
  const input = el("input");
  Object.assign(input, { type: "radio", name: group, value, id: `${group}-${value}`, checked });
  const label = el("label", "tile");
  label.htmlFor = input.id;
  label.append(el("span", "tile-main", text));
  if (sub) label.append(el("span", "tile-sub", sub));
  return [input, label];
}

export async function openStart(id) {
  startBed = id;
  $("#start-bed").textContent = id;
  serverError = "";
  setStartError("");
  startForm.reset();
  closeKeypad();
  $("#protocol-tiles").replaceChildren(el("p", "chk-loading", "Loading protocols…"));
  showLoading();
  $(".dialog-body", startForm).scrollTop = 0;
  if (!startDialog.open) startDialog.showModal();
  const [ok, listed] = await Promise.all([loadProtocols(), loadChecklist(), loadTherapists()]);
  buildTherapists(lastTherapist(id));
  buildChecklist(listed, refreshErrors);
  if (!ok || !protocols.length) {
    $("#protocol-tiles").replaceChildren(el("p", "chk-loading", ok ? "No protocols installed." : "Not loaded."));
    setStartError(ok ? "No protocols are installed on this Dwell service." : "The protocol list could not be loaded. Check the connection and try again.");
    return;
  }
  if (!listed) setStartError("The contraindication checklist could not be loaded. Check the connection and try again.");
  // The protocol last started on this bed comes first (in view without scrolling), not chosen.
  const last = remembered(LAST_PROTOCOL(id));
  const ordered = [...protocols].sort((a, b) => (b.id === last) - (a.id === last));
  $("#protocol-tiles").replaceChildren(...ordered.flatMap((p) => {
    const obs = p.observation_ms ? ` + ${minutes(p.observation_ms)} obs.` : "";
    return tile("protocol", p.id, p.title, `${minutes(p.length_ms)}${obs}`, protocols.length === 1);
  }));
}

function buildTherapists(last) {
  // The clinic's therapists as tiles (the last one on this bed chosen), and "Other code".
  const box = $("#therapist-tiles");
  const known = therapists.some((t) => t.code === last);
  const tiles = therapists.flatMap((t) => tile("who", t.code, t.name, t.code, t.code === last));
  if (therapists.length) tiles.push(...tile("who", "", "Other code", "keypad", !known && !!last));
  box.replaceChildren(...tiles);
  $("#therapist-group").hidden = !therapists.length;
  $("#start-therapist").value = known ? "" : last;
  showCodeEntry();
}

function showCodeEntry() {
  const other = !therapists.length || $('input[name="who"][value=""]')?.checked;
  $("#therapist-entry").hidden = !other;
  if (!other && $("#keypad").previousElementSibling?.id === "therapist-entry") closeKeypad();
}

function chosenTherapist() {
  const picked = $('input[name="who"]:checked');
  return picked && picked.value ? picked.value : $("#start-therapist").value.trim();
}

function setStartError(text) {
  setBoxError($("#start-error"), text);
}

function missingParts() {
  const { unanswered } = checklistAnswers();
  const missing = [];
  if (!$('input[name="protocol"]:checked')) missing.push("choose a protocol");
  if (!chosenTherapist()) missing.push("choose the therapist (or type a code)");
  if (!$("#start-consent").checked) missing.push("tick “Patient has given informed consent” – a session cannot start without it");
  if (!checklistLoaded()) missing.push("the contraindication checklist could not be loaded");
  else if (unanswered.length) missing.push(`answer every checklist item No or Yes (${unanswered.length} unanswered, marked)`);
  return { missing, unanswered };
}

// An error shown once goes as soon as what it asked for is done; what is still missing stays.
function refreshErrors() {
  serverError = "";
  const box = $("#start-error");
  if (box.hidden) return;
  const { missing } = missingParts();
  setStartError(missing.length ? `Not started: ${missing.join("; ")}.` : "");
}

$("#start-cancel").addEventListener("click", () => startDialog.close());
startDialog.addEventListener("close", () => { startBed = null; closeKeypad(); });
$$(".none-btn").forEach((b) => b.addEventListener("click", () => { answerGroupNo(b.dataset.group); refreshErrors(); }));
startForm.addEventListener("change", (ev) => { if (ev.target.name === "who") showCodeEntry(); refreshErrors(); });
for (const id of ["start-therapist", "start-patient"]) {
  const field = $(`#${id}`);
  field.addEventListener("click", () => openKeypad(field, refreshErrors));
  field.addEventListener("input", refreshErrors);
}

startForm.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const protocol = $('input[name="protocol"]:checked')?.value || "";
  const therapist = chosenTherapist();
  const patient = $("#start-patient").value.trim();
  const { screening, acknowledged } = checklistAnswers();
  const { missing, unanswered } = missingParts();
  if (missing.length) {
    unanswered.forEach((row) => row.classList.add("missing"));
    openProblems(unanswered);
    setStartError(`Not started: ${missing.join("; ")}.`);
    if ($("#start-consent").checked && unanswered.length) unanswered[0].scrollIntoView({ block: "nearest" });
    return;
  }
  const submit = $("#start-submit");
  submit.disabled = true;
  setStartError("");
  const bed = startBed;
  try {
    const body = { protocol, therapist, consent: true, screening, acknowledged };
    if (patient) body.patient = patient;
    const res = await request(`beds/${encodeURIComponent(bed)}/session`, body);
    if (res.ok) {
      try {
        localStorage.setItem(LAST(bed), therapist);
        localStorage.setItem(LAST_PROTOCOL(bed), protocol);
      } catch (_) { /* storage off */ }
      update(res.body);
      startDialog.close();
    } else {
      serverError = `Not started: ${withLabels(res.message)}`;
      setStartError(serverError);
      flagItems(res.message);
    }
  } finally {
    submit.disabled = false;
  }
});
