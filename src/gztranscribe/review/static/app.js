// gztranscribe review: watch, read, fix, publish. Plain JavaScript, no dependencies, no network
// beyond this page's own server (every request carries the session token from the page URL).
"use strict";

(() => {
  const token = new URLSearchParams(location.search).get("token") || "";
  const url = (path, extra = "") => `${path}?token=${encodeURIComponent(token)}${extra}`;
  const $ = (id) => document.getElementById(id);

  const video = $("video");
  const transcript = $("transcript");
  const saveButton = $("save");
  const statusLine = $("status");
  const glossaryForm = $("glossary-form");
  const glossaryInput = $("glossary-term");

  let episode = null; // the last /api/episode (or save) answer
  let spans = []; // word spans in reading order, as last rendered
  let starts = []; // their start times, for binary search
  let shownSentence = null;
  let shownWord = null;
  let dirty = false;
  let busy = false;
  let lastSelection = "";

  // --- talking to the server ----------------------------------------------------------------

  async function api(path, body) {
    const options = body === undefined ? {} : {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(body),
    };
    const response = await fetch(url(path), options);
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    if (!response.ok) {
      throw new Error((data && data.error) || `${response.status} ${response.statusText}`);
    }
    return data;
  }

  function setStatus(text, kind = "") {
    statusLine.textContent = text;
    statusLine.className = kind;
  }

  function setDirty(value) {
    dirty = value;
    saveButton.disabled = !value || busy;
    document.body.classList.toggle("dirty", value);
    if (value) setStatus("Unsaved changes");
  }

  // --- showing an episode -------------------------------------------------------------------

  function clock(seconds) {
    const m = Math.floor(seconds / 60);
    const s = (seconds - m * 60).toFixed(1).padStart(4, "0");
    return `${m}:${s}`;
  }

  function loadTrack(revision) {
    for (const old of video.querySelectorAll("track")) old.remove();
    const track = document.createElement("track");
    track.id = "captions";
    track.kind = "captions";
    track.srclang = "en";
    track.label = "English";
    track.default = true;
    track.src = url("/captions.vtt", `&rev=${revision}`);
    video.appendChild(track);
    track.track.mode = "showing";
  }

  function renderTranscript(data) {
    const fragment = document.createDocumentFragment();
    spans = [];
    for (const paragraph of data.paragraphs) {
      const p = document.createElement("p");
      paragraph.words.forEach((word, k) => {
        if (k) p.appendChild(document.createTextNode(" "));
        const span = document.createElement("span");
        span.className = "w";
        span.textContent = word.text;
        span.dataset.start = word.start;
        span.dataset.end = word.end;
        span.dataset.i = word.index;
        span.dataset.s = word.sentence;
        if (word.probability < data.unsure_below) {
          span.classList.add("unsure");
          span.title = `the model was ${Math.round(word.probability * 100)}% sure of this word`;
        }
        p.appendChild(span);
        spans.push(span);
      });
      fragment.appendChild(p);
    }
    transcript.replaceChildren(fragment);
    starts = spans.map((span) => Number(span.dataset.start));
    shownSentence = shownWord = null;
    highlight();
  }

  function jumpItem(list, label, detail, kind, onClick) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    if (kind) button.className = kind;
    const time = document.createElement("span");
    time.className = "time";
    time.textContent = label;
    const text = document.createElement("span");
    text.textContent = detail;
    button.append(time, text);
    button.addEventListener("click", onClick);
    item.appendChild(button);
    list.appendChild(item);
  }

  function renderLists(data) {
    const problems = $("problems");
    problems.replaceChildren();
    for (const problem of data.problems) {
      const where = problem.cue ? `cue ${problem.cue}: ` : "";
      jumpItem(problems, clock(problem.start || 0), `${where}${problem.rule}: ${problem.message}`,
        problem.severity, () => flag(problem.start || 0, problem.end || problem.start || 0));
    }
    $("problem-count").textContent = `(${data.problems.length})`;
    if (!data.problems.length) problems.innerHTML = '<li class="none">None: the captions pass every check.</li>';

    const unsure = $("unsure");
    unsure.replaceChildren();
    for (const span of data.unsure) {
      jumpItem(unsure, clock(span.start), `“${span.text}” (${Math.round(span.probability * 100)}% sure)`,
        "unsure", () => flag(span.start, span.end));
    }
    $("unsure-count").textContent = `(${data.unsure.length})`;
    if (!data.unsure.length) unsure.innerHTML = '<li class="none">None below 50%.</li>';

    const unheard = $("unheard");
    unheard.replaceChildren();
    for (const stretch of data.unheard || []) {
      jumpItem(unheard, clock(stretch.start),
        `${clock(stretch.start)}–${clock(stretch.end)} audible, no words recognized: listen here`,
        "unheard", () => seek(stretch.start));
    }
    $("unheard-count").textContent = `(${(data.unheard || []).length})`;
    if (!(data.unheard || []).length) unheard.innerHTML = '<li class="none">None: every audible passage has words or was judged not speech.</li>';
  }

  function show(data) {
    episode = data;
    document.title = `${data.name} · gztranscribe review`;
    $("title").textContent = data.media;
    const lead = $("lead-in");
    lead.hidden = !data.lead_in;
    lead.textContent = data.lead_in || "";
    renderTranscript(data);
    renderLists(data);
    loadTrack(data.revision);
  }

  // --- following the video ------------------------------------------------------------------

  function wordAt(t) {
    // the last word starting at or before t (binary search over starts)
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= t + 0.005) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found >= 0 ? spans[found] : null;
  }

  function highlight() {
    const word = wordAt(video.currentTime || 0);
    const sentence = word ? word.dataset.s : null;
    if (sentence !== shownSentence) {
      for (const old of transcript.querySelectorAll(".now")) old.classList.remove("now");
      if (sentence !== null) {
        for (const span of transcript.querySelectorAll(`span.w[data-s="${sentence}"]`)) {
          span.classList.add("now");
        }
      }
      shownSentence = sentence;
      if (word && document.activeElement !== transcript && !video.paused) {
        word.scrollIntoView({block: "nearest", behavior: "smooth"});
      }
    }
    if (word !== shownWord) {
      if (shownWord) shownWord.classList.remove("word-now");
      if (word) word.classList.add("word-now");
      shownWord = word;
    }
  }

  function seek(t) {
    video.currentTime = t;
    highlight();
  }

  function flag(start, end) {
    seek(start);
    for (const old of transcript.querySelectorAll(".flagged")) old.classList.remove("flagged");
    let first = null;
    for (const span of spans) {
      // the words of [start, end): a word starting at the end belongs only if it ends there too
      const s = Number(span.dataset.start);
      const e = Number(span.dataset.end);
      if (s >= start - 0.01 && (s < Math.max(end, start + 0.01) || (s <= end && e <= end))) {
        span.classList.add("flagged");
        first = first || span;
      }
    }
    if (first) first.scrollIntoView({block: "center", behavior: "smooth"});
  }

  // --- editing and saving -------------------------------------------------------------------

  function editedParagraphs() {
    return transcript.innerText
      .split(/\n+/)
      .map((text) => text.replace(/\s+/g, " ").trim())
      .filter(Boolean);
  }

  async function save() {
    if (busy || !dirty) return;
    const paragraphs = editedParagraphs();
    if (!paragraphs.length) {
      setStatus("The transcript is empty: nothing to save", "error");
      return;
    }
    busy = true;
    saveButton.disabled = true;
    setStatus("Saving: timing the words to the audio…");
    try {
      const result = await api("/api/save", {paragraphs, revision: episode.revision});
      const at = video.currentTime;
      show(result);
      video.currentTime = at;
      busy = false;
      setDirty(false);
      setStatus(result.saved
        ? `Saved ${result.written.join(", ")}; previous versions kept as .bak`
        : "Nothing changed", "ok");
      document.body.dataset.saved = String(result.revision);
    } catch (error) {
      busy = false;
      setDirty(true);
      setStatus(`Not saved: ${error.message}`, "error");
    }
  }

  async function addTerm(event) {
    event.preventDefault();
    const term = glossaryInput.value.trim();
    if (!term) {
      setStatus("Select a word in the transcript or type a name first", "error");
      return;
    }
    try {
      const result = await api("/api/glossary", {term});
      setStatus(result.message, "ok");
      glossaryInput.value = "";
    } catch (error) {
      setStatus(`Not added: ${error.message}`, "error");
    }
  }

  // --- wiring -------------------------------------------------------------------------------

  transcript.addEventListener("click", (event) => {
    const span = event.target.closest("span.w[data-start]");
    const selection = window.getSelection();
    if (!span || !transcript.contains(span) || (selection && !selection.isCollapsed)) return;
    seek(Number(span.dataset.start));
  });
  transcript.addEventListener("input", () => setDirty(true));
  transcript.addEventListener("paste", (event) => {
    // plain text only: no styles or markup from elsewhere end up in the transcript
    event.preventDefault();
    const text = (event.clipboardData || window.clipboardData).getData("text/plain");
    document.execCommand("insertText", false, text);
  });
  document.addEventListener("selectionchange", () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !transcript.contains(selection.anchorNode)) return;
    const text = selection.toString().replace(/\s+/g, " ").trim();
    if (text && text.length <= 80) lastSelection = text;
  });
  glossaryInput.addEventListener("focus", () => {
    if (!glossaryInput.value && lastSelection) glossaryInput.value = lastSelection.replace(/[.,;:!?"”’)]+$/, "");
  });
  glossaryForm.addEventListener("submit", addTerm);
  saveButton.addEventListener("click", save);
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      save();
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });
  video.addEventListener("timeupdate", highlight);
  video.addEventListener("seeked", highlight);
  video.addEventListener("play", function follow() {
    // smoother than timeupdate alone (4 times a second) while playing
    if (video.paused) return;
    highlight();
    requestAnimationFrame(follow);
  });
  video.addEventListener("error", () => {
    const note = $("media-note");
    note.hidden = false;
    note.textContent = "This browser cannot play the episode's media file; the transcript, " +
      "problems and saving still work.";
  });

  try {
    document.execCommand("defaultParagraphSeparator", false, "p");
  } catch (_) {
    // older browsers: Enter makes a <div>, which splits paragraphs just the same
  }

  video.src = url("/media");
  api("/api/episode")
    .then((data) => {
      show(data);
      setStatus(`${data.cues} cues · ${data.paragraphs.length} paragraphs · profile ${data.profile}`);
      document.body.dataset.ready = "1";
    })
    .catch((error) => setStatus(`Could not load the episode: ${error.message}`, "error"));
})();
