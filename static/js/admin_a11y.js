/* Names for two of Django admin's own widgets that axe-core finds nameless or mis-attributed, on
 * every admin page (loaded by templates/admin/base_site.html). Django's markup is left as it is;
 * this only adds attributes once the widgets are built (they are built after load and again for
 * each inline row added, so a MutationObserver follows them):
 * - autocomplete_fields (select2): the combobox, and the read-only textbox inside it that shows
 *   the choice, get the name of the field's <label> (axe: aria-input-field-name);
 * - filter_horizontal (SelectFilter2): the help icons carry an aria-label on a <span> without a
 *   role, which ARIA forbids; they become role="img", which the label is allowed on
 *   (axe: aria-prohibited-attr);
 * - file fields, which Django 6 puts in a <fieldset> named by its <legend> with no <label>: the
 *   input is named by the legend (axe: label);
 * - the fields of a tabular inline's rows, which Django renders in cells under a column header
 *   with no <label>: each is named by its column's header (axe: label);
 * - a tabular inline's table scrolls sideways in its div.wrapper on a phone: the wrapper is made
 *   focusable and named by the inline's heading, so a keyboard can scroll it too, even when its
 *   rows hold nothing focusable (axe: scrollable-region-focusable).
 * The calendar's "Today" link is named in Chinese by locale/zh_Hans/LC_MESSAGES/djangojs.po. */
(function () {
  "use strict";

  function labelText(select) {
    if (!select || !select.id) return "";
    var label = document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
  }

  var legends = 0;

  function fix(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll(".inline-related.tabular div.wrapper:not([tabindex])").forEach(function (wrapper) {
      wrapper.setAttribute("tabindex", "0");
      wrapper.setAttribute("role", "region");
      var heading = wrapper.closest(".inline-related").querySelector("h2");
      if (heading) wrapper.setAttribute("aria-label", heading.textContent.trim());
    });
    // Django 6 renders a file field in a <fieldset> whose <legend> names it, and no <label>: the
    // input itself stays nameless (axe: label). Name it by the legend.
    root.querySelectorAll('fieldset input[type="file"]:not([aria-label]):not([aria-labelledby])').forEach(function (input) {
      if (input.labels && input.labels.length) return;
      var legend = input.closest("fieldset").querySelector("legend");
      if (!legend) return;
      if (!legend.id) legend.id = "wic-legend-" + (++legends);
      input.setAttribute("aria-labelledby", legend.id);
    });
    // A tabular inline: <th class="column-NAME">Header</th> above <td class="field-NAME"><input></td>.
    root.querySelectorAll(".tabular td[class*='field-'] :is(input, select, textarea):not([type=hidden]):not([aria-label]):not([aria-labelledby])").forEach(function (input) {
      if (input.labels && input.labels.length) return;
      var cell = input.closest("td");
      var name = Array.prototype.find.call(cell.classList, function (c) { return c.indexOf("field-") === 0; });
      var table = cell.closest("table");
      var header = name && table ? table.querySelector("thead th.column-" + CSS.escape(name.slice(6))) : null;
      var text = header ? header.textContent.replace(/\s+/g, " ").trim() : "";
      if (text) input.setAttribute("aria-label", text);
    });
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    root.querySelectorAll('.select2-selection[role="combobox"]:not([aria-label]), .select2-selection__rendered[role="textbox"]:not([aria-label])').forEach(function (box) {
      var container = box.closest(".select2-container");
      var select = container && container.previousElementSibling;
      var name = select && select.tagName === "SELECT" ? labelText(select) : "";
      if (name) box.setAttribute("aria-label", name);
    });
    root.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (input) {
      var container = input.closest(".select2-container");
      var select = container && container.previousElementSibling;
      var name = select && select.tagName === "SELECT" ? labelText(select) : "";
      if (name) input.setAttribute("aria-label", name);
    });
  }

  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) fix(node.parentNode || node);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () { fix(document); });
})();
