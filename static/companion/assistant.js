// The assistant's page, enhanced: questions go to the API and the answers are added to the
// conversation without reloading (the page works without this file: the form is a plain GET).
(function () {
  "use strict";
  var root = document.querySelector(".assistant");
  var form = document.getElementById("assistant-form");
  var log = document.getElementById("assistant-log");
  if (!root || !form || !log || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var edition = form.querySelector("[name=edition]");
  var labels = {};
  try { labels = JSON.parse(document.getElementById("assistant-labels").textContent); } catch (e) { labels = {}; }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function hidden(text) { return el("span", "sr-only", text + ": "); }
  function list(className, entries, render) {
    var ul = el("ul", className);
    entries.forEach(function (entry) { var li = el("li"); li.appendChild(render(entry)); ul.appendChild(li); });
    return ul;
  }
  function link(url, text) { var a = el("a", "", text); a.href = url; return a; }

  function ask(question) {
    var turn = el("li", "turn turn-question");
    turn.appendChild(hidden(log.dataset.you));
    turn.appendChild(el("p", "", question));
    log.appendChild(turn);
    var answer = el("li", "turn turn-answer turn-pending");
    answer.appendChild(el("p", "", "…"));
    log.appendChild(answer);
    var params = new URLSearchParams({ q: question, lang: root.dataset.lang });
    if (edition && edition.value) params.set("edition", edition.value);
    fetch(root.dataset.api + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
      .then(function (result) {
        answer.textContent = "";
        answer.classList.remove("turn-pending");
        answer.appendChild(hidden(log.dataset.assistant));
        var body = result.body || {};
        if (!result.ok) {
          var error = el("p", "error", body.message || log.dataset.error);
          error.setAttribute("role", "alert");
          if (body.code) error.dataset.code = body.code;
          answer.appendChild(error);
          return;
        }
        answer.dataset.intent = body.intent;
        answer.appendChild(el("p", "answer-text", body.answer));
        if (body.items && body.items.length) {
          answer.appendChild(list("assistant-items", body.items, function (item) {
            var both = document.createDocumentFragment();
            both.appendChild(el("span", "tag item-" + item.type, labels[item.type] || item.type));
            both.appendChild(document.createTextNode(" "));
            both.appendChild(link(item.url, item.title));
            return both;
          }));
        }
        if (body.links && body.links.length) {
          answer.appendChild(list("assistant-links", body.links, function (entry) { return link(entry.url, entry.title); }));
        }
        var url = new URL(window.location.href);
        url.searchParams.set("q", question);
        if (edition && edition.value) url.searchParams.set("edition", edition.value);
        window.history.replaceState(null, "", url.toString());
      })
      .catch(function () {
        answer.textContent = "";
        answer.classList.remove("turn-pending");
        answer.appendChild(el("p", "error", log.dataset.error));
      });
  }

  form.addEventListener("submit", function (event) {
    var question = input.value.trim();
    if (!question) return;  // the browser's own "required" message
    event.preventDefault();
    ask(question);
    input.value = "";
    input.focus();
  });
  document.querySelectorAll(".chip[data-question]").forEach(function (chip) {
    chip.addEventListener("click", function (event) {
      event.preventDefault();
      ask(chip.dataset.question);
      input.focus();
    });
  });
})();
