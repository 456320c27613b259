// handset-sim phones page: live updates and forms, no framework, no build.
// The server renders every device; this script follows /api/events and,
// for each event about a terminal, re-fetches that device's <article>
// (/phones/{msisdn}/device) and swaps in its [data-live] parts, leaving
// the reply box and the notice line alone. Forms go to the JSON API named
// in data-api / data-method; without this script they post to the page.
"use strict";
(() => {
  const single = document.body.dataset.msisdn || null;
  const devices = document.getElementById("devices");
  const live = document.getElementById("live");
  const link = document.getElementById("link");
  const byId = (m) => document.getElementById("t-" + m);
  const wanted = (m) => !single || m === single;

  // Times come as UTC hh:mm; show the viewer's clock.
  function localize(root) {
    for (const t of root.querySelectorAll("time[datetime]")) {
      const d = new Date(t.dateTime);
      if (!isNaN(d)) t.textContent = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    }
  }

  function notice(m, text, error) {
    const p = byId(m)?.querySelector("[data-notice]");
    if (!p) return;
    p.textContent = text;
    p.classList.toggle("error", !!error);
    clearTimeout(p._timer);
    p._timer = setTimeout(() => { p.textContent = ""; }, 10000);
  }

  // MO messages whose outcome arrived (it can beat the answer to the POST).
  const settled = new Set();

  // Re-renders one device from the server. Refreshes of one device run one
  // at a time; events arriving meanwhile cause one more refresh after it.
  const queue = new Map();
  const freshSince = new Map();
  function refresh(m, freshId) {
    if (!wanted(m)) return;
    let q = queue.get(m);
    if (!q) queue.set(m, (q = { running: false, again: false, fresh: [] }));
    if (freshId != null) q.fresh.push(freshId);
    if (q.running) { q.again = true; return; }
    q.running = true;
    (async () => {
      do {
        q.again = false;
        const fresh = q.fresh.splice(0);
        try { await load(m, fresh); } catch (e) { console.warn("refresh", m, e); }
      } while (q.again);
      q.running = false;
    })();
  }

  async function load(m, fresh) {
    const r = await fetch(`/phones/${encodeURIComponent(m)}/device${single ? "?single" : ""}`);
    if (r.status === 404) { byId(m)?.remove(); return; }
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    const tpl = document.createElement("template");
    tpl.innerHTML = await r.text();
    const next = tpl.content.querySelector("article.device");
    if (!next) return;
    localize(next);
    const el = byId(m);
    if (!el) { devices.insertBefore(next, devices.querySelector(".empty")); return; }
    const focused = document.activeElement;
    // A PIN being typed into a payment request survives the re-render.
    const typed = [...el.querySelectorAll("form.push-answer input[name=pin]")]
      .filter((i) => i.value).map((i) => [i.id, i.value]);
    for (const part of next.querySelectorAll("[data-live]")) {
      const old = el.querySelector(`[data-live="${part.dataset.live}"]`);
      if (old) old.replaceWith(part);
    }
    for (const [id, value] of typed) {
      const input = document.getElementById(id);
      if (input) input.value = value;
    }
    el.className = next.className + (el.classList.contains("buzz") ? " buzz" : "");
    // A replaced button keeps the keyboard focus through its id.
    if (focused?.id && !focused.isConnected) document.getElementById(focused.id)?.focus();
    const now = performance.now();
    for (const id of fresh) freshSince.set(`${m}:${id}`, now);
    // Keep the glow of recent messages going across re-renders.
    for (const msg of el.querySelectorAll(".msg[data-id]")) {
      const key = `${m}:${msg.dataset.id}`;
      const age = now - (freshSince.get(key) ?? -1e9);
      if (age > 3000) { freshSince.delete(key); continue; }
      msg.classList.add("fresh");
      msg.style.animationDelay = `-${Math.round(age)}ms`;
    }
    if (fresh.length) {
      el.classList.remove("buzz");
      void el.offsetWidth; // restart the animation
      el.classList.add("buzz");
      setTimeout(() => el.classList.remove("buzz"), 600);
    }
  }

  // After a reconnect or a lag, events may be missing: re-read everything.
  async function refreshAll() {
    try {
      const r = await fetch("/api/terminals");
      if (!r.ok) return;
      const list = (await r.json()).map((t) => t.msisdn);
      for (const el of devices.querySelectorAll("article.device")) {
        if (!list.includes(el.dataset.msisdn)) el.remove();
      }
      list.forEach((m) => refresh(m));
    } catch (e) { console.warn("refresh all", e); }
  }

  function setLink(state, why) {
    link.className = "link " + state;
    link.querySelector("b").textContent = state;
    link.querySelector(".why").textContent = why || "";
  }

  function setLive(state, text) {
    live.hidden = false;
    live.className = "live " + state;
    live.textContent = text;
  }

  const handlers = {
    terminal: (d) => refresh(d.msisdn),
    "terminal-removed": (d) => { if (wanted(d.msisdn)) byId(d.msisdn)?.remove(); },
    message: (d) => {
      refresh(d.msisdn, d.message.id);
      if (d.message.flash) notice(d.msisdn, `Flash message from ${d.message.from}`);
    },
    "delivery-error": (d) => { notice(d.msisdn, `Refused a message: ${d.reason}`, true); refresh(d.msisdn); },
    sent: (d) => { settled.add(`${d.msisdn}:${d.reference}`); notice(d.msisdn, `Sent to ${d.to}`); refresh(d.msisdn); },
    "send-failed": (d) => { settled.add(`${d.msisdn}:${d.reference}`); notice(d.msisdn, `Sending to ${d.to} failed: ${d.reason}`, true); refresh(d.msisdn); },
    "status-report": (d) => {
      notice(d.msisdn, `Status report${d.to ? " for " + d.to : ""}: ${d.status_text}`, !d.delivered && d.final);
      refresh(d.msisdn);
    },
    link: (d) => setLink(d.state, d.reason),
    lagged: () => refreshAll(),
  };

  let opened = false;
  function connect() {
    const es = new EventSource("/api/events");
    for (const [name, handle] of Object.entries(handlers)) {
      es.addEventListener(name, (ev) => {
        let data;
        try { data = JSON.parse(ev.data); } catch { return; }
        if (data.msisdn && !wanted(data.msisdn)) return;
        handle(data);
      });
    }
    es.onopen = () => {
      setLive("connected", "Live");
      // Changes between the page load (or the last connection) and now.
      if (opened) refreshAll();
      opened = true;
    };
    es.onerror = () => {
      setLive("reconnecting", "Reconnecting…");
      // EventSource retries by itself unless the server refused the stream.
      if (es.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
    };
  }

  document.addEventListener("submit", async (ev) => {
    const form = ev.target.closest("form[data-api]");
    if (!form) return;
    ev.preventDefault();
    const m = form.closest("article.device")?.dataset.msisdn;
    const body = {};
    for (const el of form.elements) {
      if (!el.name || el.classList.contains("form-only")) continue;
      if (el.type === "checkbox") body[el.name] = el.checked;
      else if (el.type === "hidden" && /^(true|false)$/.test(el.value)) body[el.name] = el.value === "true";
      else body[el.name] = el.value;
    }
    const method = form.dataset.method || "POST";
    const init = { method };
    if (method !== "DELETE" && Object.keys(body).length) {
      init.headers = { "content-type": "application/json" };
      init.body = JSON.stringify(body);
    }
    // Not `disabled`: that would take the keyboard focus off the button.
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    try {
      const r = await fetch(form.dataset.api, init);
      const answer = r.status === 204 ? null : await r.json().catch(() => null);
      if (!r.ok) throw new Error(answer?.error || `HTTP ${r.status}`);
      if (form.classList.contains("reply")) {
        form.elements.text.value = "";
        const parts = answer?.segments > 1 ? `, ${answer.segments} parts` : "";
        if (!settled.has(`${m}:${answer?.reference}`)) {
          notice(m, `Sending to ${body.to} (reference ${answer?.reference}${parts})…`);
        }
      }
      if (m) refresh(m);
    } catch (e) {
      if (m) notice(m, e.message, true);
    } finally {
      delete form.dataset.busy;
    }
  });

  localize(document);
  if (window.EventSource) connect();
})();
