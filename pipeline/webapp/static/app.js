// The review app's page script: editing, live checks and safe saves. Plain JavaScript, no library.
// Untrusted text (sources, translations, findings) only ever enters the page as textContent;
// the row markup the server sends back was escaped by its templates.
"use strict";
(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const only = document.getElementById("attention-only");
  if (only) {
    const apply = () => document.body.classList.toggle("attention-only", only.checked);
    only.addEventListener("change", apply);
    apply();
  }
  const stateNode = document.getElementById("state");
  if (!stateNode) return;
  const state = JSON.parse(stateNode.textContent);
  const status = document.getElementById("status");
  let editing = null; // {row, id, textarea, timer}

  const rows = () => Array.from(document.querySelectorAll(".row[data-id]"));
  const say = (text, bad = false) => { status.textContent = text; status.classList.toggle("bad", bad); };
  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    Object.assign(node, props);
    for (const child of children) node.append(child);
    return node;
  };

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = { error: "the server's answer could not be read" }; }
    return { status: response.status, data };
  }

  function findingItem(f) {
    return el("li", { className: `finding ${f.severity}` }, el("b", { textContent: f.severity }), ` [${f.check}] ${f.message}`);
  }

  function open(row) {
    if (editing && editing.row === row) return;
    if (editing) close();
    const id = row.dataset.id;
    const unit = state.units[id];
    if (!unit || !unit.editable) return;
    row.classList.add("editing");
    const textarea = el("textarea", { value: unit.target, lang: row.querySelector(".target").lang, spellcheck: true });
    textarea.setAttribute("aria-label", `translation of segment ${id}`);
    const live = el("ul", { className: "live findings" });
    live.setAttribute("aria-live", "polite");
    const terms = el("div", { className: "terms" });
    unit.terms.forEach((term, i) => {
      const button = el("button", { type: "button", className: "insert", textContent: `Insert «${term}»` });
      button.title = i < 9 ? `Alt+${i + 1}` : "";
      button.addEventListener("click", () => insert(term));
      terms.append(button);
    });
    const buttons = el("div", { className: "actions" },
      el("button", { type: "button", className: "primary do-approve", textContent: "Approve (Ctrl+Enter)" }),
      el("button", { type: "button", className: "do-save", textContent: "Save draft (Ctrl+S)" }),
      el("button", { type: "button", className: "do-copy", textContent: "Copy source (Alt+C)" }),
      el("button", { type: "button", className: "do-cancel", textContent: "Cancel (Esc)" }));
    const editor = el("div", { className: "editor" }, textarea, terms, buttons, live);
    row.querySelector(".findings").before(editor);
    buttons.querySelector(".do-approve").addEventListener("click", () => save(true, true));
    buttons.querySelector(".do-save").addEventListener("click", () => save(false, false));
    buttons.querySelector(".do-copy").addEventListener("click", () => { textarea.value = unit.source; changed(); textarea.focus(); });
    buttons.querySelector(".do-cancel").addEventListener("click", () => { const r = row; close(); r.focus(); });
    textarea.addEventListener("input", changed);
    editing = { row, id, textarea, live, timer: 0 };
    textarea.focus();
    changed();
  }

  function close() {
    if (!editing) return;
    clearTimeout(editing.timer);
    const editor = editing.row.querySelector(".editor");
    if (editor) editor.remove();
    const conflict = editing.row.querySelector(".conflict");
    if (conflict) conflict.remove();
    editing.row.classList.remove("editing");
    editing = null;
  }

  function insert(term) {
    const t = editing.textarea;
    const [a, b] = [t.selectionStart, t.selectionEnd];
    t.setRangeText(term, a, b, "end");
    t.focus();
    changed();
  }

  function changed() {
    const current = editing;
    clearTimeout(current.timer);
    current.timer = setTimeout(async () => {
      const text = current.textarea.value;
      const { status: code, data } = await post("/api/check", { file: state.file, id: current.id, text });
      if (editing !== current || current.textarea.value !== text) return; // typed on meanwhile
      current.live.replaceChildren(...(code === 200 ? data.findings.map(findingItem) : [findingItem({ severity: "error", check: "check", message: data.error })]));
      current.row.dataset.liveFindings = code === 200 ? String(data.findings.length) : "";
    }, 250);
  }

  async function save(approved, next, version) {
    const current = editing;
    const unit = state.units[current.id];
    const text = current.textarea ? current.textarea.value : unit.target;
    const { status: code, data } = await post("/api/save", {
      file: state.file, id: current.id, text, approved, version: version || unit.version,
    });
    if (code === 200) {
      state.units[current.id] = data.unit;
      const template = document.createElement("template");
      template.innerHTML = data.row; // escaped by the server's templates
      const fresh = template.content.firstElementChild;
      current.row.replaceWith(fresh);
      editing = null;
      updateCounts(data.summary);
      say(approved ? `Approved ${current.id}; saved.` : `Saved ${current.id}.`);
      if (next) goNext(fresh); else fresh.focus();
      return;
    }
    if (code === 409) { showConflict(current, text, approved, data); return; }
    say(data.error || `saving failed (${code})`, true);
  }

  function showConflict(current, mine, approved, data) {
    const old = current.row.querySelector(".conflict");
    if (old) old.remove();
    const theirs = data.current;
    const box = el("div", { className: "conflict", role: "alert" },
      el("p", { textContent: "Someone changed this segment on disk since you opened it (a CAT tool, git, another tab or run). Nothing was saved. On disk now:" }),
      el("pre", { textContent: theirs.text || "(empty)" }));
    const keep = el("button", { type: "button", textContent: "Use the version on disk" });
    const mineButton = el("button", { type: "button", className: "primary", textContent: "Save mine over it" });
    keep.addEventListener("click", () => {
      state.units[current.id] = { ...state.units[current.id], target: theirs.text, approved: theirs.approved, version: theirs.version };
      current.textarea.value = theirs.text; box.remove(); changed();
    });
    mineButton.addEventListener("click", () => { box.remove(); current.textarea.value = mine; save(approved, false, theirs.version); });
    box.append(keep, " ", mineButton);
    current.row.querySelector(".editor").before(box);
    say("Not saved: the segment changed on disk.", true);
  }

  function updateCounts(summary) {
    const set = (cls, n) => { const b = document.querySelector(`.summary .${cls} b`); if (b) b.textContent = String(n); };
    set("segments", summary.segments); set("reviewed", summary.reviewed); set("attention", summary.attention);
  }

  function goNext(from) {
    const all = rows();
    const start = all.indexOf(from);
    const target = all.slice(start + 1).find((r) => r.classList.contains("attention") && state.units[r.dataset.id].editable)
      || all.slice(start + 1)[0];
    if (target) { target.focus(); target.scrollIntoView({ block: "center" }); open(target); }
  }

  function move(step) {
    const all = rows().filter((r) => r.offsetParent !== null);
    const at = all.indexOf(document.activeElement.closest(".row[data-id]"));
    const target = all[Math.max(0, Math.min(all.length - 1, at + step))];
    if (target) { target.focus(); target.scrollIntoView({ block: "nearest" }); }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    const row = event.target.closest(".row[data-id]");
    if (!row) return;
    if (button && button.classList.contains("edit")) { open(row); return; }
    if (button && (button.classList.contains("approve") || button.classList.contains("unapprove"))) {
      if (editing) close();
      editing = { row, id: row.dataset.id, textarea: null };
      save(button.classList.contains("approve"), false);
      return;
    }
    if (!button && !event.target.closest("mark, a, textarea, .editor, .conflict") && !row.classList.contains("editing")) open(row);
  });

  document.addEventListener("keydown", (event) => {
    const inEditor = editing && editing.textarea && event.target === editing.textarea;
    if (inEditor) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); save(true, true); }
      else if (event.key === "s" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); save(false, false); }
      else if (event.key === "Escape") { event.preventDefault(); const r = editing.row; close(); r.focus(); }
      else if (event.altKey && event.key.toLowerCase() === "c") { event.preventDefault(); editing.textarea.value = state.units[editing.id].source; changed(); }
      else if (event.altKey && /^[1-9]$/.test(event.key)) {
        const term = state.units[editing.id].terms[Number(event.key) - 1];
        if (term) { event.preventDefault(); insert(term); }
      }
      return;
    }
    if (event.target.closest("textarea, input, button, a, mark")) return;
    if (event.key === "ArrowDown" || event.key === "j") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp" || event.key === "k") { event.preventDefault(); move(-1); }
    else if (event.key === "Enter") {
      const row = document.activeElement.closest(".row[data-id]");
      if (row) { event.preventDefault(); open(row); }
    }
  });

  // Rows are reachable by keyboard: the first one takes Tab focus.
  const first = rows()[0];
  if (first) first.tabIndex = 0;
  document.querySelectorAll(".row[data-id]").forEach((r) => { r.tabIndex = 0; });
})();
