/* Gate check-in: type or scan a code, the answer fills the screen. Scans made while offline are
   queued in localStorage with their nonce and time and sent when the network returns; the
   server's nonce handling makes resending safe. */
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

  function queue() { try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; } }
  function saveQueue(q) { localStorage.setItem(QUEUE, JSON.stringify(q)); showPending(); }
  function showPending() {
    var n = queue().length;
    pendingBox.hidden = n === 0;
    pendingBox.textContent = labels.pendingCount + ": " + n;
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
    }).then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); });
  }

  function show(result, body) {
    out.hidden = false;
    out.className = "scan-result result-" + result + (result === "ok" ? " green" : result === "already_checked_in" ? " amber" : result === "pending" ? " grey" : " red");
    var text = labels[result.replace(/-/g, "_")] || labels.invalid;
    if (result === "pending") { text = labels.pending; }
    var lines = ["<strong>" + text + "</strong>"];
    if (body && body.guest) {
      var g = body.guest;
      lines.push(escapeHtml(g.name + (g.name_zh ? " · " + g.name_zh : "")), escapeHtml(g.organization), escapeHtml(g.country + " · " + g.category));
    }
    if (body && body.first_scan) { lines.push(labels.at + " " + escapeHtml(new Date(body.first_scan.at).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false })) + (body.first_scan.device ? " · " + escapeHtml(body.first_scan.device) : "")); }
    if (body && body.code && !body.result) { lines.push(escapeHtml(body.message || body.code)); }
    out.innerHTML = lines.join("<br>");
  }
  function escapeHtml(s) { var d = document.createElement("div"); d.textContent = String(s); return d.innerHTML; }

  function flush() {
    var q = queue();
    if (!q.length || !navigator.onLine) { return; }
    var scan = q[0];
    send(scan).then(function (res) {
      saveQueue(queue().filter(function (s) { return s.nonce !== scan.nonce; }));
      if (res.body.result && res.body.result !== "ok") {
        var li = document.createElement("li");
        li.className = "message error";
        li.textContent = scan.secret + ": " + (labels[res.body.result] || res.body.result) + " (" + scan.scanned_at + ")";
        refusedBox.appendChild(li);
      }
      flush();
    }).catch(function () { /* still offline */ });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("checkin-secret");
    var scan = {
      list: Number(document.getElementById("checkin-list").value),
      type: document.getElementById("checkin-type").value,
      secret: input.value.trim(), nonce: nonce(), scanned_at: new Date().toISOString(), device: deviceName()
    };
    if (!scan.secret) { return; }
    input.value = "";
    input.focus();
    send(scan).then(function (res) { show(res.body.result || "invalid", res.body); })
      .catch(function () { var q = queue(); q.push(scan); saveQueue(q); show("pending"); });
  });
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  showPending();
  flush();

  // Camera scanning where the browser has BarcodeDetector; typing works everywhere.
  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    var button = document.getElementById("camera-button");
    var video = document.getElementById("camera");
    button.hidden = false;
    button.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play();
        var last = "";
        (function tick() {
          detector.detect(video).then(function (codes) {
            if (codes.length && codes[0].rawValue !== last) {
              last = codes[0].rawValue;
              document.getElementById("checkin-secret").value = last;
              form.requestSubmit();
              setTimeout(function () { last = ""; }, 3000);
            }
            requestAnimationFrame(tick);
          }).catch(function () { requestAnimationFrame(tick); });
        })();
      });
    });
  }
})();
