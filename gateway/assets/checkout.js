// Switchboard checkout: progressive enhancement for the code page.
// The pages work without this file. It animates the code's countdown
// (data-expires-at, Unix ms, against the server clock in data-server-now),
// enables the resend button when its cooldown ends (data-resend-at) and,
// when data-status-url is present, polls the SMS delivery status.
(function () {
  "use strict";

  var STATES = ["sending", "sent", "delivered", "failed"];

  function clock(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var sec = s % 60;
    return Math.floor(s / 60) + ":" + (sec < 10 ? "0" : "") + sec;
  }

  function start() {
    var root = document.querySelector("[data-server-now]");
    if (!root) return;
    // Use the server's clock: the browser's may be off by minutes.
    var offset = Number(root.getAttribute("data-server-now")) - Date.now();
    function now() { return Date.now() + offset; }

    var expiry = root.querySelector("[data-expires-at]");
    var resend = root.querySelector("[data-resend-at]");
    var timer = null;

    function tick() {
      var t = now();
      if (expiry) {
        var left = Number(expiry.getAttribute("data-expires-at")) - t;
        if (left > 0) {
          var cd = expiry.querySelector("[data-countdown]");
          if (cd) cd.textContent = clock(left);
        } else {
          expiry.textContent = "This code has expired. Ask for a new one.";
          expiry.classList.add("expired");
          var input = document.getElementById("code");
          if (input) input.disabled = true;
          var pay = root.querySelector("[data-needs-time]");
          if (pay) pay.disabled = true;
          expiry = null;
        }
      }
      if (resend) {
        var wait = Number(resend.getAttribute("data-resend-at")) - t;
        var cooldown = root.querySelector("[data-cooldown]");
        if (wait > 0) {
          var cl = root.querySelector("[data-cooldown-left]");
          if (cl) cl.textContent = clock(wait);
        } else {
          resend.disabled = false;
          if (cooldown) cooldown.hidden = true;
          resend = null;
        }
      }
      if (!expiry && !resend && timer !== null) {
        clearInterval(timer);
        timer = null;
      }
    }
    tick();
    timer = setInterval(tick, 1000);

    var status = root.querySelector("[data-status-url]");
    if (status && window.fetch) poll(status, 0);
  }

  function show(status, state) {
    if (STATES.indexOf(state) < 0) return;
    var text = status.getAttribute("data-text-" + state);
    STATES.forEach(function (s) { status.classList.remove("status-" + s); });
    status.classList.add("status-" + state);
    if (text) status.textContent = text;
  }

  function poll(status, count) {
    // Stop after ~10 minutes: the code is expired by then anyway.
    if (count > 200) return;
    setTimeout(function () {
      fetch(status.getAttribute("data-status-url"), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (body) {
        var state = body && body.delivery;
        if (state) show(status, state);
        if (state !== "delivered" && state !== "failed") poll(status, count + 1);
      }).catch(function () {
        poll(status, count + 1);
      });
    }, 3000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
