// showrunner studio: the pages use the same JSON API as any client, and follow /api/events.
// Plain DOM code, no framework: text from the project is only ever set as textContent.
"use strict";

const csrf = document.querySelector('meta[name="csrf-token"]').content;
const page = document.body.dataset.page;
const slug = document.body.dataset.slug || null;
const jobs = new Map(); // "rule/slug/scene" -> activity <li>

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

async function api(method, path, body) {
  const options = { method, headers: { "X-CSRF-Token": csrf } };
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.error || (data.detail && JSON.stringify(data.detail)) || response.statusText);
    error.line = data.line;
    error.status = response.status;
    throw error;
  }
  return data;
}

function say(text, kind = "info") {
  const box = document.getElementById("message");
  box.hidden = !text;
  box.className = `message ${kind}`;
  box.textContent = text || "";
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "unknown";
  seconds = Math.max(0, Math.round(seconds));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`
    : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

function stateClass(state) {
  return "state " + state.replace(/\s+/g, "-");
}

function showBuild(build) {
  const badge = document.getElementById("build-state");
  if (build && build.running) {
    badge.textContent = `building: ${build.current.label} (pid ${build.current.pid})`;
    badge.className = "build-state running";
  } else if (build && build.last) {
    badge.textContent = build.last.ok ? "last build finished" : `last build failed (exit ${build.last.returncode})`;
    badge.className = "build-state " + (build.last.ok ? "idle" : "failed");
  } else {
    badge.textContent = "idle";
    badge.className = "build-state idle";
  }
}

// --- the board ------------------------------------------------------------------------

function episodeCard(ep) {
  const gate = ep.gate || { state: "" };
  let headline = ep.done ? "done" : "in progress";
  if (ep.running) headline = "running";
  else if (ep.failure) headline = "failed";
  else if (gate.state === "awaiting approval") headline = "awaiting approval";
  const stages = el("ol", { class: "stage-strip" },
    ep.stages.map((row) => el("li", { class: stateClass(row.state), title: `${row.stage}: ${row.state} ${row.detail}` },
      row.stage.replace("scene_", ""))));
  return el("article", { class: "card", "data-slug": ep.slug },
    el("h2", {}, el("a", { href: `/episodes/${encodeURIComponent(ep.slug)}` }, ep.title)),
    el("p", { class: "meta" }, `${ep.slug} · ${ep.target_minutes} min · `,
      el("span", { class: stateClass(headline) }, headline)),
    gate.state === "awaiting approval" ? el("p", { class: "gate" }, `Outline awaiting approval ${gate.detail}`) : null,
    gate.warning ? el("p", { class: "warning" }, gate.warning) : null,
    ep.failure ? el("p", { class: "failure" }, `${ep.failure.rule}${ep.failure.scene ? " " + ep.failure.scene : ""}: ${ep.failure.message}`) : null,
    stages,
    el("p", { class: "muted" }, ep.time_left_s === 0 ? "" : `time left: ${duration(ep.time_left_s)}`),
    el("button", { type: "button", class: "build-one", onclick: () => startBuild(ep.slug) }, "Build"));
}

async function loadBoard() {
  const data = await api("GET", "/api/episodes");
  const board = document.getElementById("board");
  board.replaceChildren(...data.episodes.map(episodeCard));
  showBuild(data.build);
}

// --- the episode page -----------------------------------------------------------------

let outlineDirty = false;

function renderEpisode(ep) {
  document.getElementById("episode-title").textContent = ep.title;
  document.title = `${ep.title} · showrunner studio`;
  showBuild(ep.build);
  document.getElementById("stages").replaceChildren(
    el("tr", {}, el("th", {}, "stage"), el("th", {}, "state"), el("th", {}, "")),
    ...ep.stages.map((row) => el("tr", { "data-stage": row.stage },
      el("td", {}, row.stage), el("td", {}, el("span", { class: stateClass(row.state) }, row.state)),
      el("td", { class: "muted" }, row.detail, row.warning ? el("div", { class: "warning" }, row.warning) : null))));
  document.getElementById("time-left").textContent = ep.failure
    ? `failed in ${ep.failure.rule}: ${ep.failure.message}` : `time left: ${duration(ep.time_left_s)}`;
  const approval = ep.approval_state;
  const pill = document.getElementById("approval-state");
  pill.textContent = ep.approval === "auto" ? "approval: auto" : approval.approved ? "approved" : approval.reason;
  pill.className = "pill " + (approval.approved ? "ok" : "waiting");
  const text = document.getElementById("outline-text");
  if (!outlineDirty) text.value = ep.outline_markdown || "";
  text.disabled = ep.outline_markdown === null;
  document.getElementById("feedback-list").replaceChildren(...ep.feedback.map((f) => el("p", { class: "feedback-item" }, `Feedback given: ${f}`)));

  const media = document.getElementById("media-panel");
  media.hidden = !ep.media["final.mp4"] && !ep.media["podcast.mp3"];
  const video = document.getElementById("final-video");
  if (ep.media["final.mp4"] && !video.dataset.loaded) {
    video.dataset.loaded = "1";
    video.replaceChildren(el("source", { src: ep.media["final.mp4"], type: "video/mp4" }),
      ep.media["captions.vtt"] ? el("track", { kind: "captions", src: ep.media["captions.vtt"], srclang: "en", label: "Captions", default: true }) : null);
    video.load();
  }
  const podcast = document.getElementById("podcast-audio");
  if (ep.media["podcast.mp3"] && !podcast.getAttribute("src")) podcast.src = ep.media["podcast.mp3"];

  const script = document.getElementById("script-panel");
  script.hidden = !ep.script;
  if (ep.script) {
    document.getElementById("drafts").replaceChildren(
      el("tr", {}, el("th", {}, "draft"), el("th", {}, "critic score"), el("th", {}, "reasons")),
      ...ep.script.drafts.map((d) => el("tr", { class: d.iteration === ep.script.accepted_iteration ? "accepted" : "" },
        el("td", {}, `${d.iteration}${d.iteration === ep.script.accepted_iteration ? " (used)" : ""}`),
        el("td", {}, `${d.score} / threshold ${ep.script.threshold}`),
        el("td", {}, d.reasons.length ? el("ul", {}, d.reasons.map((r) => el("li", {}, r))) : "no objections"))));
    document.getElementById("script-segments").replaceChildren(
      ...ep.script.segments.map((s) => el("li", {}, el("b", {}, `${s.speaker}: `), s.text)));
  }

  const storyboard = document.getElementById("storyboard-panel");
  storyboard.hidden = !ep.scenes.length;
  const scenes = document.getElementById("scenes");
  if (!scenes.querySelector("textarea:focus")) {
    scenes.replaceChildren(...ep.scenes.map((scene) => sceneCard(ep, scene)));
  }

  const acceptance = document.getElementById("acceptance-panel");
  acceptance.hidden = !ep.acceptance;
  if (ep.acceptance) {
    document.getElementById("acceptance").replaceChildren(
      el("tr", {}, el("th", {}, "check"), el("th", {}, "measured"), el("th", {}, "expected"), el("th", {}, "")),
      ...ep.acceptance.checks.map((c) => el("tr", {},
        el("td", {}, c.name), el("td", {}, JSON.stringify(c.measured)), el("td", {}, c.expected),
        el("td", {}, el("span", { class: stateClass(c.passed ? "done" : "failed") }, c.passed ? "pass" : c.hard ? "FAIL" : "warn")))));
  }
  renderPronunciations(ep.pronunciations);
  const cost = document.getElementById("cost-panel");
  cost.hidden = !ep.cost;
  if (ep.cost) document.getElementById("cost").textContent = `total: $${Number(ep.cost.total_usd || 0).toFixed(4)}`;
}

let pronunciationsDirty = false;

function pronunciationLines(entries) {
  return Object.entries(entries).map(([term, how]) => {
    const say = typeof how === "string" ? how : how.say;
    const phonemes = typeof how === "object" && how.phonemes ? how.phonemes : {};
    const extra = Object.entries(phonemes).map(([voice, p]) => ` ; ${voice}: ${p}`).join("");
    return `${term} = ${say}${extra}`;
  }).join("\n");
}

function parsePronunciations(text) {
  const entries = {};
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const cut = line.indexOf("=");
    if (cut < 1) throw new Error(`line ${i + 1}: write term = respelling`);
    const [say, ...rest] = line.slice(cut + 1).split(";").map((p) => p.trim());
    const phonemes = {};
    for (const part of rest) {
      const colon = part.indexOf(":");
      if (colon < 1) throw new Error(`line ${i + 1}: phonemes are written '; piper: ...'`);
      phonemes[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
    }
    entries[line.slice(0, cut).trim()] = Object.keys(phonemes).length ? { say, phonemes } : say;
  });
  return entries;
}

function renderPronunciations(p) {
  if (!p) return;
  const text = document.getElementById("pronunciation-text");
  if (!pronunciationsDirty) text.value = pronunciationLines(p.episode);
  const unsure = p.unsure.map((u) => el("li", { class: u.say ? "covered" : "unsure", "data-word": u.word },
    u.word, u.say ? ` — said "${u.say}"` : " — no voice is sure: add it below"));
  document.getElementById("unsure-words").replaceChildren(unsure.length
    ? el("div", {}, el("b", {}, "Words the outline flagged:"), el("ul", {}, unsure)) : "");
  const show = Object.keys(p.show);
  document.getElementById("show-pronunciations").textContent =
    `Also used: ${show.length} show-wide entr${show.length === 1 ? "y" : "ies"} in config.yaml` +
    (show.length ? ` (${show.join(", ")})` : "") + ` and ${p.builtin} built in.`;
}

async function savePronunciations() {
  const box = document.getElementById("pronunciation-error");
  box.hidden = true;
  try {
    const entries = parsePronunciations(document.getElementById("pronunciation-text").value);
    renderPronunciations(await api("PUT", `/api/episodes/${slug}/pronunciations`, { entries }));
    pronunciationsDirty = false;
    say("Pronunciations saved in config.yaml.", "ok");
    await loadEpisode();
  } catch (err) {
    box.hidden = false;
    box.textContent = err.message;
  }
}

function sceneCard(ep, scene) {
  const texts = scene.segments.map((s) => el("textarea", { rows: 3, "data-segment": s.id, "aria-label": `scene ${scene.index} ${s.id}` }, s.text));
  return el("figure", { class: "scene", "data-scene": scene.index },
    scene.image ? el("img", { src: `${scene.image}?v=${Date.now()}`, alt: `scene ${scene.index}: ${scene.title}` }) : el("div", { class: "no-image" }, "no picture yet"),
    el("figcaption", {}, el("b", {}, `${scene.index}. ${scene.title}`)),
    ...scene.segments.map((s, i) => el("label", { class: "segment" }, el("span", { class: "speaker" }, s.speaker), texts[i])),
    scene.voice ? el("audio", { controls: true, preload: "none", src: scene.voice }) : null,
    el("button", { type: "button", onclick: () => redoScene(scene.index, texts) }, "Save text and redo scene"));
}

async function loadEpisode() {
  renderEpisode(await api("GET", `/api/episodes/${encodeURIComponent(slug)}`));
}

function showOutlineError(err) {
  const box = document.getElementById("outline-error");
  box.hidden = false;
  box.textContent = err.message;
  if (err.line) {
    const text = document.getElementById("outline-text");
    const lines = text.value.split("\n");
    const start = lines.slice(0, err.line - 1).join("\n").length + (err.line > 1 ? 1 : 0);
    text.focus();
    text.setSelectionRange(start, start + (lines[err.line - 1] || "").length);
  }
}

async function outlineAction(action) {
  document.getElementById("outline-error").hidden = true;
  const markdown = document.getElementById("outline-text").value;
  try {
    if (action === "save") {
      await api("PUT", `/api/episodes/${slug}/outline`, { markdown });
      say("Outline saved (it needs approval before the build goes on).");
    } else {
      const done = await api("POST", `/api/episodes/${slug}/approve`, { markdown });
      say(`Approved (${done.sections} sections). Start the build to go on.`, "ok");
    }
    outlineDirty = false;
    await loadEpisode();
  } catch (err) {
    showOutlineError(err);
  }
}

async function rejectOutline() {
  const feedback = document.getElementById("feedback-text").value;
  try {
    await api("POST", `/api/episodes/${slug}/reject`, { feedback });
    document.getElementById("feedback-text").value = "";
    say("Feedback stored; rewriting the outline…", "ok");
    outlineDirty = false;
    await startBuild(slug);
  } catch (err) {
    say(err.message, "error");
  }
}

async function redoScene(index, texts) {
  const segments = Object.fromEntries(texts.map((t) => [t.dataset.segment, t.value]));
  try {
    await api("PUT", `/api/episodes/${slug}/scenes/${index}`, { segments });
    await startBuild(slug);
  } catch (err) {
    say(err.message, "error");
  }
}

// --- builds and live events -----------------------------------------------------------

async function startBuild(episode) {
  try {
    const build = await api("POST", "/api/builds", { episode });
    say(`Build started: ${build.label} (pid ${build.pid})${build.cleared_stale_lock ? "; cleared a stale Snakemake lock" : ""}.`, "ok");
    document.getElementById("activity").replaceChildren();
    jobs.clear();
  } catch (err) {
    say(err.message, "error");
  }
}

function jobKey(ev) {
  return `${ev.rule}/${ev.slug || ""}/${ev.scene || ""}`;
}

function activity(ev, text, kind) {
  const key = jobKey(ev);
  let item = jobs.get(key);
  if (!item) {
    item = el("li", {});
    jobs.set(key, item);
    document.getElementById("activity").prepend(item);
  }
  item.className = `job ${kind}`;
  item.dataset.kind = ev.kind;
  item.textContent = text;
}

function label(ev) {
  return `${ev.rule}${ev.slug ? " " + ev.slug : ""}${ev.scene ? " scene " + ev.scene : ""}`;
}

function onEvent(ev) {
  const summary = document.getElementById("run-summary");
  const eta = ev.run_eta_s !== null && ev.run_eta_s !== undefined ? ` · time left about ${duration(ev.run_eta_s)}` : "";
  switch (ev.kind) {
    case "build_started":
    case "run_started":
      summary.textContent = "Snakemake started…";
      break;
    case "run_progress":
      document.getElementById("run-progress").style.width = `${Math.round((100 * ev.done) / Math.max(1, ev.total))}%`;
      summary.textContent = `${ev.done} of ${ev.total} jobs done${eta}`;
      break;
    case "job_started":
      activity(ev, `▶ ${label(ev)} running${ev.expected_s ? ` (usually ${duration(ev.expected_s)})` : ""}`, "running");
      break;
    case "progress":
      activity(ev, ev.unit.startsWith("%") ? `▶ ${label(ev)}: ${ev.percent}${ev.unit}`
        : `▶ ${label(ev)}: ${ev.done}/${ev.total} ${ev.unit}${ev.percent !== null ? ` (${ev.percent}%)` : ""}`, "running");
      break;
    case "job_finished":
      activity(ev, `✓ ${label(ev)} done in ${duration(ev.seconds)}`, "done");
      break;
    case "job_failed":
      activity(ev, `✗ ${label(ev)} failed: ${ev.message}`, "failed");
      break;
    case "gate_reached":
      activity(ev, `‖ ${ev.slug}: outline awaiting approval`, "gate");
      break;
    case "run_finished":
      document.getElementById("run-progress").style.width = "100%";
      summary.textContent = `Snakemake run ${ev.status} after ${duration(ev.seconds)}.`;
      break;
    case "build_finished":
      if (ev.ok) say(`Build finished: ${ev.label}.`, "ok");
      else say(`Build of ${ev.label} exited with ${ev.returncode}; see the failed stage above.`, "error");
      break;
    default:
      return;
  }
  if (["job_finished", "job_failed", "gate_reached", "run_finished", "build_finished", "build_started"].includes(ev.kind)) {
    refresh();
  }
}

let refreshing = null;
function refresh() {
  clearTimeout(refreshing);
  refreshing = setTimeout(() => (page === "board" ? loadBoard() : loadEpisode()).catch((e) => say(e.message, "error")), 150);
}

function listen() {
  const source = new EventSource("/api/events");
  const kinds = ["build_started", "build_finished", "run_started", "run_planned", "run_progress", "run_finished",
    "job_started", "job_finished", "job_failed", "progress", "gate_reached", "run_error"];
  for (const kind of kinds) source.addEventListener(kind, (e) => onEvent(JSON.parse(e.data)));
}

// --- wiring ---------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  if (page === "board") {
    document.getElementById("build-all").addEventListener("click", () => startBuild(null));
    document.getElementById("add-episode").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      const file = form.get("source");
      if (file && !file.name) form.delete("source");
      try {
        const added = await api("POST", "/api/episodes", form);
        say(`Added episode ${added.slug}; it is in config.yaml now.`, "ok");
        event.target.reset();
        await loadBoard();
      } catch (err) {
        say(err.message, "error");
      }
    });
    loadBoard().catch((e) => say(e.message, "error"));
  } else {
    document.getElementById("outline-text").addEventListener("input", () => { outlineDirty = true; });
    document.getElementById("save-outline").addEventListener("click", () => outlineAction("save"));
    document.getElementById("approve").addEventListener("click", () => outlineAction("approve"));
    document.getElementById("reject").addEventListener("click", rejectOutline);
    document.getElementById("build-episode").addEventListener("click", () => startBuild(slug));
    document.getElementById("pronunciation-text").addEventListener("input", () => { pronunciationsDirty = true; });
    document.getElementById("save-pronunciations").addEventListener("click", savePronunciations);
    loadEpisode().catch((e) => say(e.message, "error"));
  }
  listen();
});
