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
let scenesShown = null; // the scenes as last drawn (JSON)

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

  renderScenes(ep.scenes);

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

function renderScenes(list) {
  document.getElementById("storyboard-panel").hidden = !list.length;
  const scenes = document.getElementById("scenes");
  // drawn again only when a scene changed (a still redrawn, a file saved), and never under the reviewer's typing
  const typing = document.activeElement && ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  const shown = JSON.stringify(list);
  if (shown !== scenesShown && !(typing && scenes.contains(document.activeElement))) {
    scenesShown = shown;
    scenes.replaceChildren(...list.map((scene) => sceneCard(scene)));
  }
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

function sceneCard(scene) {
  const texts = scene.segments.map((s) => el("textarea", { rows: 3, "data-segment": s.id, "aria-label": `scene ${scene.index} ${s.id}` }, s.text));
  return el("article", { class: "scene-row", "data-scene": scene.index },
    el("figure", { class: "scene", "data-scene": scene.index },
      scene.image ? el("img", { src: scene.image, alt: `scene ${scene.index}: ${scene.title}` }) : el("div", { class: "no-image" }, "no picture yet"),
      el("figcaption", {}, el("b", {}, `${scene.index}. ${scene.title}`)),
      ...scene.segments.map((s, i) => el("label", { class: "segment" },
        el("span", {}, el("span", { class: "speaker" }, s.speaker), el("span", { class: "muted" }, ` ${s.id}`)), texts[i])),
      scene.voice ? el("audio", { controls: true, preload: "none", src: scene.voice }) : null,
      el("button", { type: "button", onclick: () => redoScene(scene.index, texts) }, "Save text and redo scene")),
    beatsPanel(scene));
}

// --- a scene's visual beats: listed with their stills, edited as a draft, saved in one request ----

const beatDrafts = new Map(); // scene index -> the beats as edited, not yet saved

function beatDraft(scene) {
  if (!beatDrafts.has(scene.index)) beatDrafts.set(scene.index, structuredClone(scene.beats));
  return beatDrafts.get(scene.index);
}

function segmentOrder(scene, id) {
  return scene.segments.findIndex((s) => s.id === id);
}

function wordsOf(scene, id) {
  const segment = scene.segments.find((s) => s.id === id);
  return segment ? segment.text.split(/\s+/).filter(Boolean) : [];
}

function sentenceStarts(words) {
  return words.map((w, i) => i).filter((i) => i === 0 || /[.!?]["')\]]?$/.test(words[i - 1]));
}

function parseLines(text) {
  const lines = [];
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const range = part.match(/^(\d+)\s*[-–]\s*(\d+)$/);
    if (range) for (let n = Number(range[1]); n <= Number(range[2]); n++) lines.push(n);
    else if (/^\d+$/.test(part)) lines.push(Number(part));
    else throw new Error(`highlighted lines: '${part}' is not a line number or a range like 3-5`);
  }
  return lines;
}

function showLines(lines) {
  const out = [];
  for (const n of [...new Set(lines)].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && last[1] === n - 1) last[1] = n; else out.push([n, n]);
  }
  return out.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(", ");
}

const FIELD_LABELS = {
  points: { points: "Key points on screen (the last is said now)", code: "Caption", title: "Agenda", chapter: "Points" },
  text: { number: "Number", figure: "Caption", title: "Show", chapter: "Part", illustration: "Text" },
  label: { number: "What it counts", quote: "Attribution", chart: "Caption", title: "Hosts" },
};

function beatsPanel(scene) {
  const dirty = beatDrafts.has(scene.index);
  const draft = dirty ? beatDrafts.get(scene.index) : scene.beats;
  const rerender = () => {
    const panel = document.querySelector(`.beats[data-scene="${scene.index}"]`);
    if (panel) panel.replaceWith(beatsPanel(scene));
  };
  const error = el("div", { class: "error beats-error", hidden: true });
  const save = el("button", { type: "button", class: "save-beats primary", disabled: !dirty, onclick: () => saveBeats(scene, error) }, "Save beats and redo scene");
  const discard = el("button", { type: "button", class: "discard-beats", disabled: !dirty, onclick: () => { beatDrafts.delete(scene.index); rerender(); } }, "Discard changes");
  const pill = el("span", { class: "pill waiting unsaved", hidden: !dirty }, "unsaved changes");
  const ops = {
    // a change of order or of what is listed: drawn again
    edit(change) { change(beatDraft(scene)); rerender(); },
    // a field typed into: kept in the draft, the list left as it is (the focus stays)
    set(k, field, value) {
      beatDraft(scene)[k][field] = value;
      save.disabled = discard.disabled = false;
      pill.hidden = false;
    },
  };
  const list = el("ol", { class: "beat-list" }, draft.map((beat, k) => beatItem(scene, draft, beat, k, ops)));
  return el("section", { class: "beats", "data-scene": scene.index },
    el("h3", {}, `Visual beats (${draft.length})`, pill,
      scene.stills_stale && !dirty ? el("span", { class: "pill waiting" }, "stills not yet redrawn since the last edit") : null),
    draft.length ? list : el("p", { class: "muted" }, "No beats: the scene is drawn from its slide. Add a key point to plan its own."),
    draft.length ? null : el("button", { type: "button", class: "add-point", onclick: () => ops.edit((d) => d.push(newPoint(scene, null, null))) }, "+ key point"),
    error,
    el("div", { class: "buttons" }, save, discard));
}

function newPoint(scene, before, after) {
  // a new key point after `before`: from the next sentence of its segment if that comes before `after`
  const segmentId = before ? before.segment_id : scene.segments[0].id;
  let word = before ? before.word : 0;
  const words = wordsOf(scene, segmentId);
  // the next sentence of the segment, else halfway through what is left of it
  const next = sentenceStarts(words).find((w) => w > word) ?? Math.floor((word + words.length) / 2);
  if (next > word && (!after || segmentOrder(scene, after.segment_id) > segmentOrder(scene, segmentId) || after.word >= next)) word = next;
  const carried = before && before.kind === "points" ? before.points.slice(-3) : [];
  return { beat: null, kind: "points", kind_label: "key point", segment_id: segmentId, word, heading: before ? before.heading : scene.title,
    points: [...carried, ""], text: "", label: "", highlight: [], editable: ["segment_id", "word", "heading", "points"],
    shows: "a new key point", source: "", still: null, fresh: true };
}

function beatItem(scene, draft, beat, k, ops) {
  const can = (field) => beat.editable.includes(field);
  const words = wordsOf(scene, beat.segment_id);
  const segment = scene.segments.find((s) => s.id === beat.segment_id);
  const sortDraft = (d) => d.sort((a, b) => segmentOrder(scene, a.segment_id) - segmentOrder(scene, b.segment_id) || a.word - b.word);
  const name = (field) => `scene ${scene.index} beat ${k + 1} ${field}`;
  const input = (field, value, attrs = {}) => el("input", { type: "text", value, "data-field": field, "aria-label": name(field),
    oninput: (e) => ops.set(k, field, e.target.value), ...attrs });
  const fields = [];

  // where it appears: a segment, and a sentence (a word) of it
  const segmentSelect = el("select", { "data-field": "segment_id", "aria-label": name("segment"),
    onchange: (e) => ops.edit((d) => { d[k].segment_id = e.target.value; d[k].word = 0; sortDraft(d); }) },
    scene.segments.map((s) => el("option", { value: s.id, selected: s.id === beat.segment_id },
      `${s.id} · ${s.speaker}: ${s.text.split(/\s+/).slice(0, 6).join(" ")}…`)));
  const starts = sentenceStarts(words);
  if (!starts.includes(beat.word)) starts.push(beat.word);
  const wordSelect = el("select", { "data-field": "word", "aria-label": name("word"),
    onchange: (e) => ops.edit((d) => { d[k].word = Number(e.target.value); sortDraft(d); }) },
    starts.sort((a, b) => a - b).map((w) => el("option", { value: w, selected: w === beat.word },
      `word ${w}: “${words.slice(w, w + 6).join(" ")}…”`)));
  fields.push(el("div", { class: "anchor" }, el("span", { class: "muted" }, "appears with"), segmentSelect, el("span", { class: "muted" }, "at"), wordSelect));

  if (can("heading") && ["title", "chapter"].includes(beat.kind)) {
    fields.push(el("label", {}, "Heading", input("heading", beat.heading)));
  }
  if (can("points") && (beat.points.length || beat.kind === "points" || beat.kind === "code")) {
    const count = Math.max(beat.points.length, 1);
    const pointInput = (j) => el("input", { type: "text", value: beat.points[j] || "", "data-field": "points", "data-point": j,
      class: j === count - 1 ? "said-now" : "carried", placeholder: "the key point's words", "aria-label": `${name("point")} ${j + 1}`,
      "data-old": beat.points[j] || "",
      oninput: (e) => {
        const points = [...(beatDraft(scene)[k].points.length ? beatDraft(scene)[k].points : [""])];
        points[j] = e.target.value;
        ops.set(k, "points", points);
      },
      onchange: (e) => {
        // the same point is reworded wherever it is still on screen in this scene
        const old = e.target.dataset.old;
        const now = e.target.value;
        if (!old || !now.trim() || old === now) return; // an emptied point is refused when saved: nothing to carry
        e.target.dataset.old = now;
        beatDraft(scene).forEach((b, i) => {
          if (i === k || !b.points.includes(old)) return;
          ops.set(i, "points", b.points.map((p) => (p === old ? now : p)));
          document.querySelectorAll(`.beats[data-scene="${scene.index}"] .beat[data-beat="${i}"] input[data-field="points"]`)
            .forEach((other) => { if (other.value === old) { other.value = now; other.dataset.old = now; } });
        });
      } });
    fields.push(el("label", {}, FIELD_LABELS.points[beat.kind] || "Points",
      el("div", { class: "points" }, Array.from({ length: count }, (_, j) => pointInput(j)))));
  }
  if (can("text")) fields.push(el("label", {}, FIELD_LABELS.text[beat.kind] || "Text", input("text", beat.text)));
  if (can("label")) fields.push(el("label", {}, FIELD_LABELS.label[beat.kind] || "Label", input("label", beat.label)));
  if (can("highlight")) {
    fields.push(el("label", {}, "Highlighted lines", el("input", {
      type: "text", value: showLines(beat.highlight), placeholder: "e.g. 3-5, 8", "data-field": "highlight", "aria-label": name("highlight"),
      onchange: (e) => {
        try { ops.set(k, "highlight", parseLines(e.target.value)); e.target.classList.remove("invalid"); }
        catch (err) { e.target.classList.add("invalid"); say(err.message, "error"); }
      } })));
  }
  if (beat.kind === "quote") fields.push(el("blockquote", { class: "quote" }, beat.text));
  if (beat.kind === "code") {
    const lines = beat.text.replace(/\n+$/, "").split("\n");
    fields.push(el("details", {}, el("summary", {}, `the listing (${lines.length} lines)`), el("pre", { class: "listing" },
      lines.map((line, i) => el("span", { class: beat.highlight.includes(beat.first_line + i) ? "lit" : "" },
        `${String(beat.first_line + i).padStart(3)}  ${line}\n`)))));
  }

  const still = beat.still
    ? el("a", { href: beat.still, target: "_blank", rel: "noopener" }, el("img", { src: beat.still, alt: `scene ${scene.index} beat ${k + 1}: ${beat.kind_label}`, loading: "lazy" }))
    : el("div", { class: "no-still" }, beat.fresh ? "new: drawn when the scene is redone" : "no still yet");
  return el("li", { class: `beat kind-${beat.kind}`, "data-beat": k, "data-kind": beat.kind },
    el("div", { class: "still" }, still),
    el("div", { class: "beat-body" },
      el("div", { class: "beat-head" },
        el("b", {}, `${k + 1}.`), el("span", { class: "kind" }, beat.kind_label),
        el("span", { class: "shows" }, beat.shows),
        el("span", { class: "tools" },
          el("button", { type: "button", title: "show it earlier (it swaps moments with the beat before)", "aria-label": name("up"), disabled: k === 0,
            onclick: () => ops.edit((d) => swapBeats(d, k - 1)) }, "↑"),
          el("button", { type: "button", title: "show it later (it swaps moments with the beat after)", "aria-label": name("down"), disabled: k === draft.length - 1,
            onclick: () => ops.edit((d) => swapBeats(d, k)) }, "↓"),
          el("button", { type: "button", class: "delete-beat", title: "delete this beat", "aria-label": name("delete"),
            onclick: () => ops.edit((d) => d.splice(k, 1)) }, "✕"))),
      el("p", { class: "muted at" }, segment ? `${segment.speaker}, ${beat.segment_id}: “${words.slice(beat.word, beat.word + 10).join(" ")}…”` : beat.segment_id,
        beat.source ? el("span", { class: "source" }, ` · from ${beat.source}`) : null),
      ...fields,
      el("button", { type: "button", class: "add-point", onclick: () => ops.edit((d) => d.splice(k + 1, 0, newPoint(scene, d[k], d[k + 1]))) }, "+ key point after this")));
}

function swapBeats(draft, k) {
  // beats k and k+1 change places in time: each takes the other's moment, so the order stays the narration's
  const [a, b] = [draft[k], draft[k + 1]];
  [a.segment_id, b.segment_id, a.word, b.word] = [b.segment_id, a.segment_id, b.word, a.word];
  draft[k] = b;
  draft[k + 1] = a;
}

async function saveBeats(scene, errorBox) {
  errorBox.hidden = true;
  document.querySelectorAll(".beat .invalid").forEach((node) => node.classList.remove("invalid"));
  const fields = ["segment_id", "word", "heading", "points", "text", "label", "highlight"];
  const beats = beatDraft(scene).map((b) => Object.fromEntries([["beat", b.fresh ? null : b.index],
    ...fields.filter((f) => b.editable.includes(f)).map((f) => [f, b[f]])]));
  try {
    const saved = await api("PUT", `/api/episodes/${slug}/scenes/${scene.index}/beats`, { beats });
    beatDrafts.delete(scene.index);
    scenesShown = null; // drawn again from the file, even when nothing changed
    renderScenes((await api("GET", `/api/episodes/${slug}/scenes`)).scenes);
    if (saved.changed) {
      const build = await startBuild(slug);
      if (build) say(`Scene ${scene.index}: ${saved.beats} beats saved in ${scene.file}; redoing that scene (pid ${build.pid}).`, "ok");
    } else {
      say(`Scene ${scene.index}: the beats are as they were; nothing to redo.`);
    }
    await loadEpisode();
  } catch (err) {
    errorBox.hidden = false;
    errorBox.textContent = err.message;
    // point at the field the message names: "...json: beats.2.points: ..."
    const named = err.message.match(/: beats\.(\d+)(?:\.(\w+))?/);
    if (named) {
      const item = document.querySelector(`.beats[data-scene="${scene.index}"] .beat[data-beat="${named[1]}"]`);
      const field = item && named[2] ? item.querySelector(`[data-field="${named[2]}"]`) : null;
      if (field) { field.classList.add("invalid"); field.focus(); } else if (item) item.classList.add("invalid");
    }
  }
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
    return build;
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
