/* The plan on the admin's change form of a service point or of a place on a plan
   (templates/admin/companion/plan_change_form.html): a click on the plan sets left (x) and top
   (y) to the plan units clicked; typing them moves the marker (or the rectangle). */
function companionPlan() {
  "use strict";
  var svg = document.querySelector("svg.venue-plan.editable");
  if (!svg) { return; }
  var size = Number(svg.getAttribute("data-plan-size")) || 1000;
  var fields = {};
  ["x", "y", "width", "height"].forEach(function (name) { fields[name] = document.getElementById("id_" + name); });
  var marker = svg.querySelector("#plan-current");
  var shape = svg.querySelector("#plan-current-shape");
  function number(name, fallback) {
    var value = fields[name] ? parseInt(fields[name].value, 10) : NaN;
    return isNaN(value) ? fallback : value;
  }
  function draw() {
    var x = number("x", 0), y = number("y", 0);
    if (marker) { marker.setAttribute("transform", "translate(" + x + " " + y + ")"); }
    if (shape) {
      shape.setAttribute("x", x);
      shape.setAttribute("y", y);
      // An empty width or height keeps the rectangle drawn (the add form's starting size).
      shape.setAttribute("width", Math.max(1, number("width", Number(shape.getAttribute("width")))));
      shape.setAttribute("height", Math.max(1, number("height", Number(shape.getAttribute("height")))));
    }
  }
  svg.addEventListener("click", function (event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    var at = point.matrixTransform(svg.getScreenCTM().inverse());
    var clamp = function (v) { return Math.max(0, Math.min(size, Math.round(v))); };
    if (fields.x) { fields.x.value = clamp(at.x); }
    if (fields.y) { fields.y.value = clamp(at.y); }
    draw();
  });
  Object.keys(fields).forEach(function (name) {
    if (fields[name]) { fields[name].addEventListener("input", draw); }
  });
}
// The admin puts its media in the page's head: wait for the form.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", companionPlan);
} else {
  companionPlan();
}
