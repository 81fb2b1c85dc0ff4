/* Searchable pickers for long multi-selects (issue 20, point 8): every <select data-picker="search">
   becomes a Tom Select box (static/vendor/tom-select, Apache-2.0) where typing a few letters of a
   name, Chinese or English, finds it among hundreds. Progressive enhancement: without this script,
   or without Tom Select, the plain <select multiple> still works and posts the same values.
   The texts come from this script tag's data-* attributes, translated by the template. */
(function () {
  "use strict";
  var script = document.currentScript;
  var texts = {
    noResults: (script && script.dataset.noResults) || "No match",
    remove: (script && script.dataset.remove) || "Remove",
  };

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function enhance(select) {
    if (select.tomselect) return;
    new window.TomSelect(select, {
      plugins: { remove_button: { title: texts.remove } },
      maxOptions: 400,
      hidePlaceholder: true,
      closeAfterSelect: true,
      // The label is the name in the page's language; data-alt, the name in the other one.
      searchField: ["text", "alt"],
      render: {
        option: function (data, escape) {
          var alt = data.alt ? ' <span class="ts-alt">' + escape(data.alt) + "</span>" : "";
          return "<div>" + escape(data.text) + alt + "</div>";
        },
        no_results: function () {
          return '<div class="no-results">' + escapeHtml(texts.noResults) + "</div>";
        },
      },
    });
  }

  function init() {
    if (typeof window.TomSelect !== "function") return;  // the plain select stays
    document.querySelectorAll("select[data-picker=search]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
