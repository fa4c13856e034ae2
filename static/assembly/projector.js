// The projector page refreshes its own content every few seconds (no inline script: the CSP is strict).
(function () {
  "use strict";
  var box = document.getElementById("projector");
  if (!box || !window.fetch || !window.DOMParser) { return; }
  var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 2;
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("projector");
        if (fresh && fresh.innerHTML !== box.innerHTML) { box.innerHTML = fresh.innerHTML; }
      })
      .catch(function () {})
      .then(function () { window.setTimeout(refresh, seconds * 1000); });
  }
  window.setTimeout(refresh, seconds * 1000);
})();
