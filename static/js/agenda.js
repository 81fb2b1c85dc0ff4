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

/* Every hall within reach: the grid scrolls sideways inside its box (the CSS keeps the time column
   and the hall header in view), and the cues say how many halls are off-screen on either side;
   a click brings the next ones in. The texts come from the page (#hall-cues), in its language. */
(function () {
  "use strict";
  var data = document.getElementById("hall-cues");
  var table = document.querySelector(".timetable-frame .timetable.placed");
  if (!data || !table) { return; }
  var texts = JSON.parse(data.textContent);
  var frame = table.closest(".timetable-frame");
  var more = frame.querySelector(".hall-cue.more");
  var less = frame.querySelector(".hall-cue.less");
  var corner = table.querySelector(".grid-corner");
  var heads = Array.prototype.slice.call(table.querySelectorAll(".hall-head"));
  var smooth = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";

  function visibleEdges() {
    var box = table.getBoundingClientRect();
    return { left: corner.getBoundingClientRect().right, right: box.left + table.clientLeft + table.clientWidth };
  }
  function offScreen() {
    var edges = visibleEdges(), before = [], after = [];
    if (window.getComputedStyle(table).display === "grid") {
      heads.forEach(function (head) {
        var r = head.getBoundingClientRect();
        if (r.right > edges.right + 1) { after.push(head); } else if (r.left < edges.left - 1) { before.push(head); }
      });
    }
    return { before: before, after: after, edges: edges };
  }
  function paint() {
    var found = offScreen();
    [[more, found.after, texts.more], [less, found.before, texts.less]].forEach(function (cue) {
      var n = cue[1].length;
      cue[0].hidden = n === 0;
      cue[0].textContent = n ? cue[2][String(n)] : "";
      cue[0].dataset.hidden = String(n);
    });
    frame.classList.toggle("has-more", found.after.length > 0);
  }
  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; paint(); });
  }
  more.addEventListener("click", function () {
    var found = offScreen();
    if (found.after.length) {  // the first hall cut off on the right moves to the left edge
      table.scrollBy({ left: found.after[0].getBoundingClientRect().left - found.edges.left, behavior: smooth });
    }
  });
  less.addEventListener("click", function () {
    var found = offScreen();
    if (found.before.length) {  // the last hall cut off on the left moves to the right edge
      table.scrollBy({ left: found.before[found.before.length - 1].getBoundingClientRect().right - found.edges.right, behavior: smooth });
    }
  });
  table.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule);
  paint();
})();

/* The filters are folded on a phone (the template opens them when one is active); a wide screen
   has the room to show them. The current day tab is scrolled into its row. */
(function () {
  "use strict";
  var details = document.getElementById("filter-more");
  if (details && window.matchMedia("(min-width: 761px)").matches) { details.open = true; }
  var row = document.querySelector(".day-tabs ul");
  var current = row && row.querySelector("a[aria-current]");
  if (current && row.scrollWidth > row.clientWidth) {
    var r = current.getBoundingClientRect(), box = row.getBoundingClientRect();
    if (r.right > box.right || r.left < box.left) { row.scrollLeft += r.left - box.left - 16; }
  }
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
