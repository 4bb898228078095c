// The contraindication checklist of the start form: a fieldset per group with its own "None
// of these apply", a No / Yes radio group per item, and the acknowledgement a relative one
// answered Yes needs. Codes from the server are shown as the items' labels.

import { getJSON } from "./api.js";
import { $, $$, el } from "./state.js";

for (const group of ["absolute", "relative"]) {
  $(`#each-${group}`).addEventListener("click", () => showItems(group, $(`#chk-${group}`).hidden));
}

let checklist = null;          // {absolute: [{code,label}], relative: [...]} once loaded

export function checklistLoaded() {
  return checklist !== null;
}

export async function loadChecklist() {
  const list = await getJSON("checklist");
  if (list && Array.isArray(list.absolute) && Array.isArray(list.relative)) checklist = list;
  return checklist === list && list !== null;
}

export function showLoading() {
  for (const group of ["absolute", "relative"]) $(`#chk-${group}`).replaceChildren(el("p", "chk-loading", "Loading the checklist…"));
}

export function buildChecklist(loaded, onChange) {
  for (const group of ["absolute", "relative"]) {
    const box = $(`#chk-${group}`);
    const items = loaded && checklist ? checklist[group] : [];
    box.replaceChildren(...items.map((item) => checklistItem(item, group, onChange)));
    if (!loaded) box.append(el("p", "chk-loading", "Not loaded."));
    $(`#none-${group}`).disabled = !items.length;
    showItems(group, false);
    summarise(group);
  }
}

function checklistItem(item, group, onChange) {
  // One contraindication: a fieldset whose legend is its label, with a No / Yes radio pair,
  // unanswered until tapped. A relative one answered Yes asks for its own acknowledgement; an
  // absolute one says not to needle.
  const row = el("div", "chk-item");
  row.dataset.code = item.code;
  row.dataset.group = group;
  row.dataset.answer = "";
  const label = el("legend", "chk-label", item.label);
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
  // The question and its two answers are one group (a fieldset and its legend).
  const question = el("fieldset", "chk-q");
  question.append(label, choice);
  row.append(question);
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
  row.addEventListener("change", () => { refreshItem(row); summarise(group); onChange(); });
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

export function answerGroupNo(group) {
  for (const row of $$(`#chk-${group} .chk-item`)) {
    $('input[value="no"]', row).checked = true;
    refreshItem(row);
  }
  summarise(group);
}

// A group's items are folded away behind its two buttons until "Show list" (or a problem
// with one of them) opens them, so the whole form fits a small screen without scrolling.
export function showItems(group, show) {
  $(`#chk-${group}`).hidden = !show;
  $(`#each-${group}`).setAttribute("aria-expanded", String(show));
  $(`#each-${group}`).textContent = show ? "Hide list" : "Show list";
}

export function summarise(group) {
  const rows = $$(`#chk-${group} .chk-item`);
  const no = rows.filter((r) => r.dataset.answer === "no").length;
  const yes = rows.filter((r) => r.dataset.answer === "yes").length;
  const b = $(`#none-${group}`);
  b.textContent = rows.length && no === rows.length ? `✓ None apply (${no} answered No)` : "None of these apply";
  b.classList.toggle("done", !!rows.length && no === rows.length);
  if (yes) showItems(group, true);
}

export function openProblems(rows) {
  for (const group of ["absolute", "relative"]) if (rows.some((r) => r.dataset.group === group)) showItems(group, true);
}

export function checklistAnswers() {
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

// The server names refused items as `code`: mark them, and say them by their labels.
export function flagItems(message) {
  const codes = new Set([...message.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]));
  let first = null;
  const hits = [];
  for (const row of $$("#checklist .chk-item")) {
    const hit = codes.has(row.dataset.code);
    row.classList.toggle("flagged", hit);
    if (hit) hits.push(row);
    if (hit && !first) first = row;
  }
  openProblems(hits);
  first?.scrollIntoView({ block: "nearest" });
}

export function withLabels(message) {
  const labels = new Map();
  for (const group of ["absolute", "relative"]) for (const i of (checklist && checklist[group]) || []) labels.set(i.code, i.label);
  return message.replace(/`([^`]+)`/g, (_, code) => (labels.has(code) ? `“${labels.get(code)}”` : code));
}
