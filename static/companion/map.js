/* The venue map (templates/companion/map.html): the kind filter applies at once (the form still
   works without this script: it sends ?kind=...), the address follows it, and an item's page
   gives its details the focus. No checkbox checked shows every kind, as the server does. */
(function () {
  "use strict";
  var focus = document.querySelector("[data-autofocus]");
  if (focus) { focus.focus(); }
  var form = document.querySelector(".map-filters");
  if (!form) { return; }
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=kind]"));
  var button = form.querySelector("button[type=submit]");
  if (button) { button.hidden = true; }
  function apply() {
    var checked = boxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    var all = checked.length === 0 || checked.length === boxes.length;
    document.querySelectorAll("[data-kind]").forEach(function (element) {
      element.classList.toggle("off", !all && checked.indexOf(element.getAttribute("data-kind")) < 0);
    });
    var params = new URLSearchParams(window.location.search);
    params.delete("kind");
    if (!all) { checked.forEach(function (kind) { params.append("kind", kind); }); }
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
})();
