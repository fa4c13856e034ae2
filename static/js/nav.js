// The main menu as a disclosure on narrow screens. Without this script the menu is simply always shown.
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  var nav = document.getElementById("site-menu");
  if (!button || !nav) return;
  var narrow = window.matchMedia("(max-width: 48rem)");

  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("site-menu--closed", !open);
  }
  function fit() {
    button.hidden = !narrow.matches;
    set(!narrow.matches);
  }
  button.addEventListener("click", function () {
    set(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
  narrow.addEventListener("change", fit);
  fit();
})();
