// Hold to confirm: a destructive command (abort, rapid removal, finish, close) is sent only
// after the button has been held down for HOLD_MS, with a bar filling meanwhile. A tap, a
// double tap or a click never confirms; letting go early, or sliding off, cancels.

import { el, HOLD_MS } from "./state.js";

export function holdButton(id, label, onConfirm, cls = "danger") {
  const b = el("button", `btn hold ${cls}`.trim());
  b.type = "button";
  b.id = id;
  b.dataset.cmd = id;
  const fill = el("span", "hold-fill");
  fill.setAttribute("aria-hidden", "true");
  const text = el("span", "hold-label", label);
  const hint = el("span", "hold-hint", "hold 1 s");
  b.append(fill, text, hint);
  b.setAttribute("aria-description", "Press and hold for one second to confirm");
  let timer = null;
  let started = 0;
  let frame = 0;

  const paint = () => {
    const p = timer ? Math.min(1, (performance.now() - started) / HOLD_MS) : 0;
    b.style.setProperty("--p", p.toFixed(3));
    if (timer) frame = requestAnimationFrame(paint);
  };
  const begin = () => {
    if (b.disabled || timer) return;
    started = performance.now();
    b.classList.add("holding");
    b.dataset.held = "0";
    timer = setTimeout(() => {
      stop();
      b.dataset.held = "1";
      onConfirm();
    }, HOLD_MS);
    paint();
  };
  const stop = () => {
    clearTimeout(timer);
    timer = null;
    cancelAnimationFrame(frame);
    b.classList.remove("holding");
    b.style.setProperty("--p", "0");
  };
  const early = () => {
    if (!timer) return;
    stop();
    hint.textContent = "keep holding 1 s";
    b.classList.add("too-short");
  };

  b.addEventListener("pointerdown", (e) => {
    if (e.button !== 0) return;
    try { b.setPointerCapture(e.pointerId); } catch (_) { /* not capturable */ }
    begin();
  });
  b.addEventListener("pointerup", early);
  b.addEventListener("pointercancel", stop);
  b.addEventListener("lostpointercapture", early);
  b.addEventListener("keydown", (e) => {
    if ((e.key === "Enter" || e.key === " ") && !e.repeat) { e.preventDefault(); begin(); }
  });
  b.addEventListener("keyup", (e) => { if (e.key === "Enter" || e.key === " ") early(); });
  b.addEventListener("blur", stop);
  // A click is the end of a short press: never a confirmation.
  b.addEventListener("click", (e) => e.preventDefault());
  b.addEventListener("contextmenu", (e) => e.preventDefault());
  return b;
}
