// The start form: protocol, therapist, patient, consent, then the contraindication checklist.

import { getJSON, request } from "./api.js";
import { update } from "./cards.js";
import { $, $$, el, setBoxError } from "./state.js";

const startDialog = $("#start-dialog");
const startForm = $("#start-form");
let startBed = null;
let protocols = null;          // [{id,title,...}] once loaded
let checklist = null;          // {absolute: [{code,label}], relative: [...]} once loaded

export async function loadProtocols() {
  const list = await getJSON("protocols");
  if (Array.isArray(list)) protocols = list;
  return Array.isArray(list);
}

async function loadChecklist() {
  const list = await getJSON("checklist");
  if (list && Array.isArray(list.absolute) && Array.isArray(list.relative)) checklist = list;
  return checklist === list && list !== null;
}

function minutes(ms) {
  const m = Math.round(ms / 6000) / 10;
  return `${m} min`;
}

export async function openStart(id) {
  startBed = id;
  $("#start-bed").textContent = id;
  setStartError("");
  startForm.reset();
  const select = $("#start-protocol");
  select.replaceChildren(new Option("Loading protocols…", ""));
  for (const group of ["absolute", "relative"]) $(`#chk-${group}`).replaceChildren(el("p", "chk-loading", "Loading the checklist…"));
  $(".dialog-body", startForm).scrollTop = 0;
  if (!startDialog.open) startDialog.showModal();
  const [ok, listed] = await Promise.all([loadProtocols(), loadChecklist()]);
  buildChecklist(listed);
  select.replaceChildren();
  if (!ok || !protocols.length) {
    select.append(new Option(ok ? "No protocols installed" : "Protocols could not be loaded", ""));
    setStartError(ok ? "No protocols are installed on this Dwell service." : "The protocol list could not be loaded. Check the connection and try again.");
    return;
  }
  if (!listed) setStartError("The contraindication checklist could not be loaded. Check the connection and try again.");
  select.append(new Option("Choose a protocol…", ""));
  for (const p of protocols) {
    const obs = p.observation_ms ? ` + ${minutes(p.observation_ms)} obs.` : "";
    select.append(new Option(`${p.title} — ${minutes(p.length_ms)}${obs} (v${p.version})`, p.id));
  }
  if (protocols.length === 1) select.value = protocols[0].id;
}

function setStartError(text) {
  setBoxError($("#start-error"), text);
}

function buildChecklist(loaded) {
  for (const group of ["absolute", "relative"]) {
    const box = $(`#chk-${group}`);
    const items = loaded && checklist ? checklist[group] : [];
    box.replaceChildren(...items.map((item) => checklistItem(item, group)));
    if (!loaded) box.append(el("p", "chk-loading", "Not loaded."));
    $(`#none-${group}`).disabled = !items.length;
  }
}

function checklistItem(item, group) {
  // One contraindication: its label and a No / Yes choice, unanswered until tapped. A relative
  // one answered Yes asks for its own acknowledgement; an absolute one says not to needle.
  const row = el("div", "chk-item");
  row.dataset.code = item.code;
  row.dataset.group = group;
  row.dataset.answer = "";
  const label = el("span", "chk-label", item.label);
  label.id = `chk-${item.code}-label`;
  const choice = el("span", "yn");
  choice.setAttribute("role", "radiogroup");
  choice.setAttribute("aria-labelledby", label.id);
  for (const [value, text] of [["no", "No"], ["yes", "Yes"]]) {
    const input = el("input");
    Object.assign(input, { type: "radio", id: `chk-${item.code}-${value}`, name: `chk-${item.code}`, value });
    const face = el("label", `yn-${value}`, text);
    face.htmlFor = input.id;
    choice.append(input, face);
  }
  row.append(label, choice);
  if (group === "relative") {
    const ack = el("label", "chk-ack");
    const box = el("input");
    Object.assign(box, { type: "checkbox", id: `ack-${item.code}` });
    ack.append(box, el("span", null, "Risk weighed — acknowledge"));
    ack.hidden = true;
    row.append(ack);
  } else {
    const stop = el("span", "chk-stop", "DO NOT NEEDLE");
    stop.hidden = true;
    row.append(stop);
  }
  row.addEventListener("change", () => refreshItem(row));
  return row;
}

function refreshItem(row) {
  const yes = $('input[value="yes"]', row).checked;
  const no = $('input[value="no"]', row).checked;
  row.dataset.answer = yes ? "yes" : no ? "no" : "";
  row.classList.remove("missing");
  if (yes || no) row.classList.remove("flagged");
  const ack = $(".chk-ack", row);
  if (ack) {
    ack.hidden = !yes;
    if (!yes) $("input", ack).checked = false;
  }
  const stop = $(".chk-stop", row);
  if (stop) stop.hidden = !yes;
}

function answerGroupNo(group) {
  for (const row of $$(`#chk-${group} .chk-item`)) {
    $('input[value="no"]', row).checked = true;
    refreshItem(row);
  }
}

function checklistAnswers() {
  const screening = {};
  const acknowledged = [];
  const unanswered = [];
  for (const row of $$("#checklist .chk-item")) {
    const code = row.dataset.code;
    if (!row.dataset.answer) { unanswered.push(row); continue; }
    screening[code] = row.dataset.answer === "yes";
    if (screening[code] && $(`#ack-${code}`)?.checked) acknowledged.push(code);
  }
  return { screening, acknowledged, unanswered };
}

function flagItems(message) {
  // The server names refused items as `code`: mark them in the list.
  const codes = new Set([...message.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]));
  let first = null;
  for (const row of $$("#checklist .chk-item")) {
    const hit = codes.has(row.dataset.code);
    row.classList.toggle("flagged", hit);
    if (hit && !first) first = row;
  }
  first?.scrollIntoView({ block: "nearest" });
}

$("#start-cancel").addEventListener("click", () => startDialog.close());
startDialog.addEventListener("cancel", () => { startBed = null; });
$$(".none-btn").forEach((b) => b.addEventListener("click", () => answerGroupNo(b.dataset.group)));

startForm.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const protocol = $("#start-protocol").value;
  const therapist = $("#start-therapist").value.trim();
  const patient = $("#start-patient").value.trim();
  const consent = $("#start-consent").checked;
  const { screening, acknowledged, unanswered } = checklistAnswers();
  const missing = [];
  if (!protocol) missing.push("choose a protocol");
  if (!therapist) missing.push("enter the therapist ID");
  if (!patient) missing.push("enter the patient pseudonym");
  if (!consent) missing.push("tick “Patient has given informed consent” – a session cannot start without it");
  if (!checklist) missing.push("the contraindication checklist could not be loaded");
  else if (unanswered.length) {
    missing.push(`answer every checklist item No or Yes (${unanswered.length} unanswered, marked)`);
    unanswered.forEach((row) => row.classList.add("missing"));
  }
  if (missing.length) {
    setStartError(`Not started: ${missing.join("; ")}.`);
    if (consent && unanswered.length) unanswered[0].scrollIntoView({ block: "nearest" });
    return;
  }
  const submit = $("#start-submit");
  submit.disabled = true;
  setStartError("");
  try {
    const res = await request(`beds/${encodeURIComponent(startBed)}/session`,
      { protocol, therapist, patient, consent: true, screening, acknowledged });
    if (res.ok) {
      update(res.body);
      startDialog.close();
    } else {
      setStartError(`Not started: ${res.message}`);
      flagItems(res.message);
    }
  } finally {
    submit.disabled = false;
  }
});
