// Formatting: durations and times as the page shows them, and the needle count left.

export function mmss(ms) {
  // Countdown: whole seconds rounded up (shows 0:01 until the step actually ends).
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

export function countUp(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `+${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

export function wallTime(d) {
  return d ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "—";
}

export function hoursMinutes(d) {
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function ago(ms) {
  // A span of time, as a person says it: "45 s", "12 min", "1 h 05 min".
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, "0")} min`;
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function parseNotation(text) {
  // "3m", "1m30s", "500ms" -> ms; null when it is not a duration.
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text || "");
  if (!m || !text) return null;
  const [h, mi, s, ms] = m.slice(1).map((g) => Number(g || 0));
  return ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

export function stepLength(text) {
  // The step's planned length is the last token of its description ("… · 3m", "rest 1m").
  if (!text) return null;
  const last = text.trim().split(/[\s·]+/).pop();
  return parseNotation(last);
}

export function outstanding(d) {
  return d && d.needles ? d.needles.outstanding : 0;
}
