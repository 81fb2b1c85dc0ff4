/* Gate check-in: type or scan a code, the answer fills the screen. Scans made while offline, and
   scans the server answered 503 (`database_busy`: its database was too busy to take the write),
   are queued in localStorage with their nonce and time and sent when the network returns or
   after the server's Retry-After; the server's nonce handling makes resending safe. A live scan
   is sent without its time: the server stamps it under its lock, so of simultaneous scans at
   several gates only the first is green; a queued scan keeps the time it was made (the earliest
   scan of a guest counts). */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-api]");
  var api = script.dataset.api;
  var form = document.getElementById("scan-form");
  var out = document.getElementById("scan-result");
  var pendingBox = document.getElementById("pending");
  var refusedBox = document.getElementById("refused-offline");
  var labels = document.getElementById("labels").dataset;
  var QUEUE = "wic-checkin-queue";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var names = JSON.parse(document.getElementById("checkin-names").textContent);
  var locale = /^zh/.test(document.documentElement.lang) ? "zh-CN" : "en-GB";
  var gateInput = document.getElementById("checkin-gate");
  gateInput.value = localStorage.getItem("wic-gate") || "";
  gateInput.addEventListener("change", function () { localStorage.setItem("wic-gate", gateInput.value.trim()); });

  function queue() { try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; } }
  function saveQueue(q) { localStorage.setItem(QUEUE, JSON.stringify(q)); showPending(); }
  // 2026-11-16 08:30:05 in Beijing time, the same in both languages (07/12 reads two ways).
  function beijingDateTime(iso) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute + ":" + parts.second;
  }
  function beijing(iso) { return new Date(iso).toLocaleTimeString(locale, { timeZone: "Asia/Shanghai", hour12: false }); }
  function showPending() {
    var q = queue();
    pendingBox.hidden = q.length === 0;
    pendingBox.textContent = labels.pendingCount + ": " + q.length;
    var list = document.getElementById("pending-list");
    list.textContent = "";
    q.forEach(function (s) {  // the end of the code only: enough to tell scans apart
      var li = document.createElement("li");
      li.textContent = "\u2026" + s.secret.slice(-4) + " \u00b7 " + beijing(s.scanned_at) + " \u00b7 " + labels.pendingShort;
      list.appendChild(li);
    });
  }
  function deviceName() {
    var name = localStorage.getItem("wic-device");
    if (!name) { name = "device-" + Math.random().toString(36).slice(2, 6).toUpperCase(); localStorage.setItem("wic-device", name); }
    return name;
  }
  function nonce() { return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2); }

  function send(scan) {
    return fetch(api, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(scan)
    }).then(function (r) {
      if (r.status === 503) {  // busy (or a proxy's "unavailable"): not an answer, try again later
        var wait = parseInt(r.headers.get("Retry-After"), 10);
        var busy = new Error("busy");
        busy.retryAfter = wait > 0 ? wait : 5;
        throw busy;
      }
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    });
  }
  var retryTimer = null;  // a sooner upload than the 15 s timer's, after a 503's Retry-After
  function retryLater(error) {
    if (error && error.retryAfter && !retryTimer) {
      retryTimer = setTimeout(function () { retryTimer = null; flush(); }, error.retryAfter * 1000);
    }
  }

  // The answer as text nodes, one line each (nothing the server sends is parsed as HTML), over the
  // whole screen. A tap or Escape clears it; an admission or a queued scan clears itself.
  var hideTimer = null;
  function hide() { out.hidden = true; clearTimeout(hideTimer); }
  out.addEventListener("click", hide);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hide(); } });
  function show(result, body) {
    clearTimeout(hideTimer);
    out.hidden = false;
    out.className = "scan-result result-" + result + (result === "ok" ? " green" : result === "already_checked_in" ? " amber" : (result === "pending" || result === "busy") ? " grey" : " red");
    out.textContent = "";
    function line(tag, text, className) {
      var el = document.createElement(tag);
      el.textContent = text;
      if (className) { el.className = className; }
      out.appendChild(el);
      return el;
    }
    var text = labels[result.replace(/-/g, "_")] || labels.invalid;
    if (result === "ok" && body && body.type === "exit") { text = labels.exit_ok; }  // same code, other words
    if (result === "pending") { text = labels.pending; }
    line("strong", text, "line result-title");
    if (body && body.guest) {
      var g = body.guest;
      line("span", g.name + (g.name_zh ? " · " + g.name_zh : ""), "line guest-name");
      if (g.organization) { line("span", g.organization, "line"); }
      var category = names.categories[g.category];
      var where = line("span", (names.countries[g.country] || g.country) + " · ", "line");
      var chip = document.createElement("span");
      chip.className = "category-chip";
      chip.textContent = category ? category.label : g.category;
      if (category) { chip.style.backgroundColor = category.colour; }  // CSSOM: allowed by the page's CSP
      where.appendChild(chip);
    }
    if (body && body.seat) { line("strong", body.seat.label, "line seat"); }  // "Table 3 · seat 5", in the page's language
    if (body && body.reason_message) { line("span", body.reason_message, "line reason"); }
    if (body && body.first_scan) {
      var f = body.first_scan;
      var when = beijingDateTime(f.at);
      line("span", labels.at + " " + when + ((f.gate || f.device) ? " · " + (f.gate || f.device) : ""), "line");
    }
    if (body && body.code && !body.result) { line("span", body.message || body.code, "line"); }
    line("span", labels.dismiss, "line dismiss");
    if (result === "ok" || result === "pending" || result === "busy") { hideTimer = setTimeout(hide, 4000); }
  }

  var flushing = false;  // one upload at a time: the "online" event and the timer may both fire
  function flush() {
    var q = queue();
    if (flushing || !q.length || !navigator.onLine) { return; }
    flushing = true;
    var scan = q[0];
    send(scan).then(function (res) {
      flushing = false;
      saveQueue(queue().filter(function (s) { return s.nonce !== scan.nonce; }));
      if (res.body.result && res.body.result !== "ok" && !document.getElementById("refused-" + scan.nonce)) {
        var li = document.createElement("li");
        li.id = "refused-" + scan.nonce;
        li.className = "message error";
        li.textContent = scan.secret + ": " + (labels[res.body.result] || res.body.result) + " (" + beijing(scan.scanned_at) + ")";
        refusedBox.appendChild(li);
      }
      flush();
    }).catch(function (error) { flushing = false; retryLater(error); /* still offline or busy: the scan stays queued */ });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("checkin-secret");
    var scan = {
      list: Number(document.getElementById("checkin-list").value),
      type: document.getElementById("checkin-type").value,
      secret: input.value.trim(), nonce: nonce(), scanned_at: new Date().toISOString(),
      gate: gateInput.value.trim(), device: deviceName()
    };
    if (!scan.secret) { return; }
    input.value = "";
    input.focus();
    var live = {};  // everything but the phone's clock: the server stamps a live scan
    Object.keys(scan).forEach(function (key) { if (key !== "scanned_at") { live[key] = scan[key]; } });
    send(live).then(function (res) { show(res.body.result || "invalid", res.body); })
      .catch(function (error) { var q = queue(); q.push(scan); saveQueue(q); show(error && error.retryAfter ? "busy" : "pending"); retryLater(error); });
  });
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  showPending();
  flush();

  // Camera scanning: the browser's BarcodeDetector where it reads QR codes, otherwise the vendored
  // jsQR decoder (loaded only then) on frames drawn to a canvas. Typing works everywhere.
  function qrReader() {
    if ("BarcodeDetector" in window) {
      return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") < 0) { return jsqrReader(); }
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function (video) { return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; }); };
      }).catch(jsqrReader);
    }
    return jsqrReader();
  }
  function jsqrReader() {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = script.dataset.jsqr;
      tag.onload = function () {
        var canvas = document.createElement("canvas");
        var ctx = canvas.getContext("2d", { willReadFrequently: true });
        resolve(function (video) {
          var w = video.videoWidth, h = video.videoHeight;
          if (!w || !h) { return Promise.resolve(null); }
          canvas.width = w; canvas.height = h;
          ctx.drawImage(video, 0, 0, w, h);
          var found = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "dontInvert" });
          return Promise.resolve(found ? found.data : null);
        });
      };
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }
  var button = document.getElementById("camera-button");
  var video = document.getElementById("camera");
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      Promise.all([qrReader(), navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })]).then(function (both) {
        var read = both[0];
        video.srcObject = both[1]; video.hidden = false; video.play();
        var last = "", busy = false;
        setInterval(function () {
          if (busy || video.readyState < 2) { return; }
          busy = true;
          read(video).then(function (text) {
            busy = false;
            if (text && text !== last) {
              last = text;
              document.getElementById("checkin-secret").value = text;
              form.requestSubmit();
              setTimeout(function () { last = ""; }, 3000);  // the same badge again after 3 s is a new scan
            }
          }).catch(function () { busy = false; });
        }, 150);
      }).catch(function (error) {
        button.disabled = false;
        show("camera", { code: "camera", message: String((error && error.name) || error) });
      });
    });
  }
})();
