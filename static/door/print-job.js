/* A badge PDF's page while the worker makes it: fetch the page again every few seconds and
   swap in the job's status, which its live region (role="status") reads out. Focus stays
   where it is. Without script, the page's "Check again" link does the same. */
(function () {
  "use strict";

  var region = document.getElementById("job-status");
  if (!region || !window.fetch || !window.DOMParser) return;
  var delay = 2000;
  var MAX_DELAY = 30000;

  function pending(element) {
    var state = element.getAttribute("data-state");
    return state === "queued" || state === "rendering";
  }

  function again() { window.setTimeout(poll, delay); }

  function poll() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("job-status");
        if (!fresh) throw new Error("no status on the page");
        if (fresh.innerHTML !== region.innerHTML) {
          region.setAttribute("data-state", fresh.getAttribute("data-state"));
          region.innerHTML = fresh.innerHTML;
          document.title = page.title;
        }
        delay = 2000;
        if (pending(region)) again();
      })
      .catch(function () {
        delay = Math.min(delay * 2, MAX_DELAY); // offline or the server is busy: back off
        again();
      });
  }

  if (pending(region)) again();
})();
