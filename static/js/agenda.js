/* Stars for "My agenda". Anonymous visitors keep them in localStorage (per edition); signed-in
   visitors keep them on the server, and stars kept in the browser are merged on sign-in. */
/* The timetable grid: the template gives each cell its place as data-grid-column/-row (the
   Content-Security-Policy allows no inline style attribute); they are set here through the CSSOM,
   which the policy allows. Until then, and without JavaScript, the CSS shows the phone's list. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".timetable[data-cols]"), function (table) {
    table.style.setProperty("--cols", table.dataset.cols);
    table.style.setProperty("--rows", table.dataset.rows);
    Array.prototype.forEach.call(table.querySelectorAll("[data-grid-column], [data-grid-row]"), function (cell) {
      if (cell.dataset.gridColumn) { cell.style.gridColumn = cell.dataset.gridColumn; }
      if (cell.dataset.gridRow) { cell.style.gridRow = cell.dataset.gridRow; }
    });
    table.classList.add("placed");
  });
})();

(function () {
  "use strict";
  var script = document.getElementById("agenda-script");
  if (!script) { return; }
  var year = script.dataset.year;
  var signedIn = script.dataset.authenticated === "1";
  var storeKey = "wic-stars-" + year;

  function readLocal() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "[]").map(Number).filter(Boolean); }
    catch (e) { return []; }
  }
  function writeLocal(ids) {
    try { window.localStorage.setItem(storeKey, JSON.stringify(ids)); } catch (e) { /* private mode: stars last for this page */ }
  }
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function buttons() { return Array.prototype.slice.call(document.querySelectorAll("button.star[data-session]")); }
  function paint(ids) {
    buttons().forEach(function (b) {
      b.setAttribute("aria-pressed", ids.indexOf(Number(b.dataset.session)) >= 0 ? "true" : "false");
    });
    var link = document.querySelector("a.my-agenda-link");
    if (link && !signedIn) {
      var url = new URL(link.href, window.location.href);
      if (ids.length) { url.searchParams.set("s", ids.join(",")); } else { url.searchParams.delete("s"); }
      link.href = url.toString();
    }
  }

  function toggleAnonymous(button) {
    var id = Number(button.dataset.session);
    var ids = readLocal();
    var at = ids.indexOf(id);
    if (at >= 0) { ids.splice(at, 1); } else { ids.push(id); }
    writeLocal(ids);
    paint(ids);
    if (script.dataset.myAgenda === "1" && at >= 0) { window.location.search = ids.length ? "?s=" + ids.join(",") : ""; }
  }

  function toggleSignedIn(button) {
    var next = button.getAttribute("aria-pressed") === "true" ? "0" : "1";
    var body = new URLSearchParams({ starred: next });
    button.disabled = true;
    fetch(button.dataset.starUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (r) { return r.json(); }).then(function (data) {
      document.querySelectorAll('button.star[data-session="' + data.session + '"]').forEach(function (b) {
        b.setAttribute("aria-pressed", data.starred ? "true" : "false");
      });
      if (script.dataset.myAgenda === "1") { window.location.reload(); }
    }).finally(function () { button.disabled = false; });
  }

  function mergeOnSignIn() {
    var ids = readLocal();
    if (!ids.length) { return; }
    fetch(script.dataset.mergeUrl, {
      method: "POST", credentials: "same-origin", body: JSON.stringify({ sessions: ids }),
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/json", "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : Promise.reject(r); }).then(function (data) {
      window.localStorage.removeItem(storeKey);
      if (data.added && script.dataset.myAgenda === "1") { window.location.reload(); return; }
      buttons().forEach(function (b) {
        b.setAttribute("aria-pressed", data.starred.indexOf(Number(b.dataset.session)) >= 0 ? "true" : "false");
      });
    }).catch(function () { /* keep the local stars for the next try */ });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.star[data-session]");
    if (!button) { return; }
    event.preventDefault();
    if (signedIn) { toggleSignedIn(button); } else { toggleAnonymous(button); }
  });

  if (signedIn) {
    mergeOnSignIn();
  } else {
    var ids = readLocal();
    paint(ids);
    // My agenda without ?s= shows the browser's stars by putting them in the address.
    if (script.dataset.myAgenda === "1" && ids.length && !new URLSearchParams(window.location.search).get("s")) {
      window.location.replace(window.location.pathname + "?s=" + ids.join(","));
    }
  }
})();
