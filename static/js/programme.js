/* Starring sessions and "my programme", kept in this browser's localStorage (no account). */
(function () {
  "use strict";
  var KEY = "festival-of-resistance:starred";

  function load() {
    try {
      var value = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(value) ? value.filter(function (n) { return Number.isInteger(n) && n > 0; }) : [];
    } catch (e) {
      return [];
    }
  }

  function save(ids) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(ids));
      return true;
    } catch (e) {
      return false;
    }
  }

  function render() {
    var starred = load();
    var set = new Set(starred);
    document.querySelectorAll("[data-star]").forEach(function (button) {
      var on = set.has(Number(button.dataset.star));
      button.hidden = false;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.querySelector(".star__icon").textContent = on ? "★" : "☆";
      button.querySelector(".star__label").textContent = on ? button.dataset.labelOn : button.dataset.labelOff;
    });
    var mine = document.querySelector("[data-my-programme]");
    if (!mine) return;
    var shown = [];
    mine.querySelectorAll(".slot[data-session]").forEach(function (item) {
      var on = set.has(Number(item.dataset.session));
      item.classList.toggle("is-starred", on);
      if (on) shown.push(item.dataset.session);
    });
    mine.querySelector("[data-my-empty]").hidden = shown.length > 0;
    mine.querySelector("[data-my-download]").hidden = shown.length === 0;
    var link = mine.querySelector("[data-my-download-link]");
    link.href = link.href.split("?")[0] + "?sessions=" + shown.join(",");
  }

  // The words come from the page (data-starred, data-unstarred, data-unsaved), in the visitor's language.
  function announce(kind, title) {
    var status = document.querySelector("[data-star-status]");
    if (status) status.textContent = (status.dataset[kind] || "").replace("{title}", title || "");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-star]");
    if (!button) return;
    var id = Number(button.dataset.star);
    var ids = load();
    var starring = ids.indexOf(id) === -1;
    ids = starring ? ids.concat([id]) : ids.filter(function (n) { return n !== id; });
    if (!save(ids)) {
      announce("unsaved");
      return;
    }
    render();
    var title = button.querySelector(".visually-hidden").textContent.trim();
    announce(starring ? "starred" : "unstarred", title);
  });
  // The filters' disclosure: on a phone the form is folded away behind its button (programme.css),
  // once this script runs; without it the form simply shows.
  var toggle = document.querySelector("[data-filters-toggle]");
  if (toggle) {
    var form = document.getElementById(toggle.getAttribute("aria-controls"));
    document.documentElement.classList.add("has-filters-toggle");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      form.classList.toggle("is-open", open);
      if (open) form.querySelector("select, input").focus();
    });
  }
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) render();
  });
  render();
})();
