/* The badge page's "Scan my badge": the phone's camera reads the badge's QR code (with the vendored
   jsQR) and sends the form, as if the code under the QR code had been typed. Shown only where
   there is script and a camera; the typed code works without either. The words come from the
   section's data attributes (translated in the template): the CSP allows no inline script. */
(function () {
  "use strict";
  var box = document.getElementById("badge-scan");
  var form = document.getElementById("badge-form");
  if (!box || !form) { return; }
  var input = form.querySelector("input[name=code]");
  var start = document.getElementById("scan-start");
  var stop = document.getElementById("scan-stop");
  var video = box.querySelector("video");
  var status = box.querySelector("[role=status]");
  var text = box.dataset;
  var stream = null, canvas = null, timer = null;
  var media = navigator.mediaDevices;

  function say(message) { status.textContent = message || ""; }

  // jsQR is a quarter of a megabyte: fetched on the first press, not by everyone who types the code.
  function loadJsQR() {
    if (window.jsQR) { return Promise.resolve(); }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = text.jsqr; script.onload = resolve; script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  // Before anyone allows the camera, browsers still say whether there is one (without its name).
  function hasCamera() {
    if (!media || !media.getUserMedia) { return Promise.resolve(false); }
    if (!media.enumerateDevices) { return Promise.resolve(true); }
    return media.enumerateDevices().then(function (devices) {
      return devices.some(function (device) { return device.kind === "videoinput"; });
    }, function () { return true; });
  }

  function release() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.srcObject = null;
    clearTimeout(timer);
  }

  function showStopped() {
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
    start.disabled = false;
  }

  function startCamera() {
    say("");
    start.disabled = true;  // one camera request at a time
    loadJsQR().then(function () {
      return media.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    }).then(function (camera) {
      stream = camera;
      video.srcObject = camera;
      video.hidden = false;
      start.hidden = true;
      stop.hidden = false;
      stop.focus();
      say(text.cameraOn);
      var playing = video.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
      tick();
    }).catch(function (error) {
      release();
      showStopped();
      start.focus();
      var refused = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
      say(refused ? text.refused : text.unavailable);
    });
  }

  function read(code) {
    release();
    video.hidden = true;
    stop.hidden = true;
    input.value = code.trim();
    say(text.found);
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  function tick() {
    if (!stream) { return; }
    if (video.readyState >= 2 && video.videoWidth) {
      canvas = canvas || document.createElement("canvas");
      var w = Math.min(640, video.videoWidth), h = Math.round(video.videoHeight * w / video.videoWidth);
      canvas.width = w; canvas.height = h;
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, w, h);
      var code = window.jsQR(context.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "dontInvert" });
      if (code && code.data) { read(code.data); return; }
    }
    timer = setTimeout(function () { requestAnimationFrame(tick); }, 150);
  }

  start.addEventListener("click", startCamera);
  stop.addEventListener("click", function () { release(); showStopped(); say(""); start.focus(); });
  // Leaving the page turns the camera off; coming back to it (the Back button) finds it ready again.
  window.addEventListener("pagehide", release);
  window.addEventListener("pageshow", function (event) { if (event.persisted) { showStopped(); say(""); } });

  hasCamera().then(function (yes) {
    box.hidden = !yes;
    document.documentElement.setAttribute("data-badge-scan-ready", "1");
  });
})();
