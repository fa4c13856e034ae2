/* The door page: scan, decide (online or from the local door list), show, sync.
   No framework; served by the site, cached by the service worker for offline use. */
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("door-config").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var input = $("scan-code");
  var state = {
    token: cfg.token,
    online: navigator.onLine,
    lastAdmission: null, // online {id, hash (a promise), marked}; offline {local, nonce, hash}
    cursor: null,
    syncing: false,
  };
  var RESULT_STYLE = {
    admitted: "ok", already_checked_in: "warn", unpaid: "stop", cancelled: "stop",
    not_valid_today: "warn", unknown_code: "unknown", error: "stop",
  };
  var REQUEST_TIMEOUT_MS = 4000;
  // The door list's verdict letters (door/lists.py) that turn a ticket away on any day; "v" admits.
  var LIST_REFUSALS = { c: "cancelled", u: "unpaid" };

  /* ---------- small helpers ---------- */
  function normalise(raw) { return String(raw || "").slice(0, 200).replace(/\s+/g, "").toUpperCase(); }
  function nonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function today() {
    return new Intl.DateTimeFormat("en-CA", { timeZone: cfg.timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  }
  function sha256hex(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buf) {
      return Array.prototype.map.call(new Uint8Array(buf), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    });
  }
  function doorName() { return localStorage.getItem("door.name") || cfg.text.mainGate; }
  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key] == null ? "" : values[key]; });
  }
  function timeOf(iso) {
    try { return new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: cfg.timeZone }); }
    catch (e) { return iso; }
  }

  /* ---------- sound ---------- */
  var audio = null;
  function beep(kind) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var tones = kind === "ok" ? [[880, 0, 0.12]] : kind === "warn" ? [[523, 0, 0.15], [523, 0.2, 0.15]] : [[220, 0, 0.18], [196, 0.24, 0.3]];
      tones.forEach(function (t) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = t[0]; osc.type = kind === "ok" ? "sine" : "square";
        gain.gain.value = 0.15;
        osc.connect(gain); gain.connect(audio.destination);
        osc.start(audio.currentTime + t[1]); osc.stop(audio.currentTime + t[1] + t[2]);
      });
    } catch (e) { /* no sound available: words and colour still show */ }
  }

  /* ---------- IndexedDB: the door list, the upload queue, a little metadata ---------- */
  var dbPromise = new Promise(function (resolve, reject) {
    var req = indexedDB.open("door-" + cfg.festival, 1);
    req.onupgradeneeded = function () {
      var db = req.result;
      db.createObjectStore("tickets");
      db.createObjectStore("queue", { keyPath: "nonce" });
      db.createObjectStore("meta");
    };
    req.onsuccess = function () { resolve(req.result); };
    req.onerror = function () { reject(req.error); };
  });
  function tx(store, mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode), s = t.objectStore(store), out;
        var r = work(s);
        if (r) r.onsuccess = function () { out = r.result; };
        t.oncomplete = function () { resolve(out); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  var idb = {
    get: function (store, key) { return tx(store, "readonly", function (s) { return s.get(key); }); },
    put: function (store, value, key) { return tx(store, "readwrite", function (s) { return key === undefined ? s.put(value) : s.put(value, key); }); },
    del: function (store, key) { return tx(store, "readwrite", function (s) { return s.delete(key); }); },
    all: function (store) { return tx(store, "readonly", function (s) { return s.getAll(); }); },
    count: function (store) { return tx(store, "readonly", function (s) { return s.count(); }); },
  };

  /* ---------- network ---------- */
  function api(url, options) {
    options = options || {};
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    var headers = { Authorization: "Bearer " + state.token, Accept: "application/json" };
    if (options.body) headers["Content-Type"] = "application/json";
    return fetch(url, {
      method: options.method || "GET", headers: headers, credentials: "same-origin", cache: "no-store",
      body: options.body ? JSON.stringify(options.body) : undefined, signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      if (timer) clearTimeout(timer);
      return response.json().catch(function () { return {}; }).then(function (data) {
        // An organiser signed this device out: nothing more is decided here, not even offline.
        if (response.status === 401 && data.error === "device_revoked") return signedOut();
        if (response.status === 401 && !options.retried) {
          return refreshToken().then(function () { options.retried = true; return api(url, options); });
        }
        return { status: response.status, data: data };
      });
    }, function (error) {
      if (timer) clearTimeout(timer);
      setOnline(false);
      throw error;
    });
  }
  function refreshToken() {
    return fetch(cfg.urls.token, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      // Revoked (401), or the session ended (sent to the sign-in page): this device is signed out.
      if (r.status === 401 || r.redirected) return signedOut();
      if (!r.ok) throw new Error("no token");
      return r.json().then(function (data) { state.token = data.token; });
    });
  }

  /* ---------- signing out: nothing of the door stays on this device ---------- */
  var syncTimer = null;
  // Drops the token, the service worker and its caches, and every door list in IndexedDB.
  function clearDevice() {
    state.token = null;
    clearInterval(syncTimer);
    var jobs = [];
    if (window.caches) {
      jobs.push(caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("door-") === 0; }).map(function (k) { return caches.delete(k); }));
      }));
    }
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
      jobs.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.filter(function (r) { return r.scope.indexOf(cfg.scope) !== -1; })
          .map(function (r) { return r.unregister(); }));
      }));
    }
    jobs.push(dbPromise.then(function (db) { db.close(); }, function () {}).then(function () {
      var names = indexedDB.databases ? indexedDB.databases().then(function (all) {
        return all.map(function (d) { return d.name; }).filter(function (n) { return n && n.indexOf("door-") === 0; });
      }) : Promise.resolve(["door-" + cfg.festival]);
      return names.then(function (list) {
        return Promise.all(list.map(function (name) {
          return new Promise(function (resolve) {
            var req = indexedDB.deleteDatabase(name);
            req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
          });
        }));
      });
    }));
    return Promise.all(jobs.map(function (job) { return job.catch(function () {}); }));
  }
  var leaving = null;
  function signedOut() {
    if (!leaving) leaving = clearDevice().then(function () { window.location.assign(cfg.urls.login); });
    return new Promise(function () {}); // the page is going: nothing waits for an answer
  }
  function setOnline(online) {
    var changed = state.online !== online;
    state.online = online;
    var net = $("door-net");
    net.dataset.state = online ? "online" : "offline";
    $("door-net-text").textContent = online ? cfg.text.online : cfg.text.offline;
    if (changed && online) sync();
  }

  /* ---------- showing a result ---------- */
  function show(result, data) {
    data = data || {};
    var style = RESULT_STYLE[result] || "idle";
    var panel = $("result");
    panel.dataset.result = result;
    panel.dataset.style = style;
    $("result-icon").setAttribute("href", "#icon-" + style);
    var title = result === "idle" ? cfg.text.ready : result === "undone" ? cfg.text.undone
      : result === "error" ? cfg.text.error : (cfg.titles[result] || result);
    var lines = [];
    var t = data.ticket;
    if (t) lines.push(t.name + (t.pronouns ? " (" + t.pronouns + ")" : "") + " · " + t.ticket_type);
    if (result === "already_checked_in") {
      var p = data.previous;
      lines.push(p && p.door ? fmt(cfg.text.previous, { at: timeOf(p.at), door: p.door, by: p.by }) : cfg.text.previousOffline);
    }
    if (data.reason === "replaced") lines.push(cfg.text.replaced);
    if (data.reason === "other_edition") lines.push(cfg.text.otherEdition);
    if (data.hint) lines.push(data.hint);
    $("result-title").textContent = title;
    $("result-detail").textContent = lines.join("\n");
    $("undo").hidden = result !== "admitted";
    $("announce").textContent = title + (lines.length ? ". " + lines.join(" ") : "");
    if (result !== "idle" && result !== "undone") beep(style === "ok" ? "ok" : style === "warn" ? "warn" : "stop");
    // The code field was cleared when its code was taken: what is in it now is the next
    // badge, typed by the scanner while this answer was on its way.
    input.focus();
  }

  /* ---------- deciding ---------- */
  function scan(payload) {
    var body = { door: doorName(), nonce: nonce() };
    if (payload.ticket) body.ticket = payload.ticket; else body.code = normalise(payload.code);
    if (!payload.ticket && !body.code) { show("idle", { hint: cfg.text.empty }); $("result-detail").textContent = cfg.text.empty; return Promise.resolve(); }
    if (!state.online && body.code) return decideLocally(body);
    return api(cfg.urls.scan, { method: "POST", body: body }).then(function (r) {
      setOnline(true);
      if (r.status !== 200) { show("error", { hint: (r.data && r.data.message) || "" }); return; }
      var admitted = r.data.result === "admitted";
      var hash = admitted ? listHash(body.code, payload.hash) : null;
      state.lastAdmission = admitted ? { id: r.data.check_in, hash: hash, marked: markLocally(hash, true) } : null;
      show(r.data.result, r.data);
      refreshCounts();
      return r.data.result;
    }, function () {
      if (body.code) return decideLocally(body);
      show("idle", { hint: cfg.text.searchOffline });
    });
  }

  // A ticket's key in this device's door list: the hash of its code, or, for a ticket admitted
  // from a search (whose code the page never sees), the hash the search result came with.
  function listHash(code, hash) {
    if (!code) return Promise.resolve(hash || "");
    if (!window.crypto || !crypto.subtle) return Promise.resolve("");
    return sha256hex(code);
  }

  // Keep this device's door list in step with an online admission or its undo.
  function markLocally(hashPromise, admitted) {
    return hashPromise.then(function (hash) {
      if (!hash) return;
      return idb.get("tickets", hash).then(function (entry) {
        if (entry) { entry.in = admitted ? today() : ""; return idb.put("tickets", entry, hash); }
      });
    }).catch(function () {});
  }

  function decideLocally(body) {
    return sha256hex(body.code).then(function (hash) {
      return idb.get("tickets", hash).then(function (entry) {
        // Who gets in is the server's rule (door/admission.py): the list carries its verdict on each
        // ticket, and the days its type admits on. Here only today is checked against those days.
        var day = today(), result;
        if (!entry) result = "unknown_code";
        else if (LIST_REFUSALS[entry.s]) result = LIST_REFUSALS[entry.s];
        else if ((entry.d || []).indexOf(day) === -1) result = "not_valid_today";
        else if (entry.in === day) result = "already_checked_in";
        else result = "admitted";
        var scanRow = { code: body.code, door: body.door, nonce: body.nonce, scanned_at: new Date().toISOString(), shown_result: result };
        var writes = [idb.put("queue", scanRow)];
        if (result === "admitted") { entry.in = day; writes.push(idb.put("tickets", entry, hash)); }
        return Promise.all(writes).then(function () {
          state.lastAdmission = result === "admitted" ? { local: true, nonce: body.nonce, hash: hash } : null;
          show(result, entry ? { ticket: { name: entry.n, pronouns: "", ticket_type: entry.tn } } : {});
          updateQueueCount();
        });
      });
    });
  }

  function undo() {
    var last = state.lastAdmission;
    if (!last) return;
    state.lastAdmission = null;
    if (last.local) {
      Promise.all([idb.del("queue", last.nonce), idb.get("tickets", last.hash).then(function (entry) {
        if (entry) { entry.in = ""; return idb.put("tickets", entry, last.hash); }
      })]).then(function () { show("undone"); updateQueueCount(); });
      return;
    }
    api(cfg.urls.undo, { method: "POST", body: { check_in: last.id } }).then(function (r) {
      if (r.status !== 200) { show("idle", { hint: r.data.message }); return; }
      return last.marked.then(function () { return markLocally(last.hash, false); }).then(function () {
        show("undone");
        refreshCounts();
      });
    }, function () { show("idle", { hint: cfg.text.searchOffline }); });
  }

  /* ---------- syncing: upload the queue, then download changes ---------- */
  function applyList(data) {
    var types = data.types;
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(["tickets", "meta"], "readwrite");
        var s = t.objectStore("tickets");
        if (data.full) s.clear();
        data.tickets.forEach(function (row) {
          var type = types[String(row[2])] || { name: "", days: [] };
          s.put({ n: row[1], tn: type.name, d: type.days, s: row[3], in: row[4] ? data.day : "" }, row[0]);
        });
        data.removed.forEach(function (hash) { s.delete(hash); });
        t.objectStore("meta").put(data.cursor, "cursor");
        t.oncomplete = function () { resolve(); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }

  function uploadQueue() {
    return idb.all("queue").then(function (scans) {
      if (!scans.length) return;
      scans.sort(function (a, b) { return a.scanned_at < b.scanned_at ? -1 : 1; });
      var batch = scans.slice(0, 500);
      return api(cfg.urls.sync, { method: "POST", body: { scans: batch } }).then(function (r) {
        if (r.status !== 200) return;
        setOnline(true);
        return Promise.all(r.data.results.map(function (answer) { return answer.nonce ? idb.del("queue", answer.nonce) : null; }))
          .then(function () { if (scans.length > batch.length) return uploadQueue(); });
      });
    });
  }

  function sync() {
    if (state.syncing) return Promise.resolve();
    state.syncing = true;
    return uploadQueue().then(function () {
      return idb.get("meta", "cursor");
    }).then(function (cursor) {
      var url = cfg.urls.list + (cursor ? "?since=" + encodeURIComponent(cursor) : "");
      return api(url).then(function (r) {
        if (r.status === 200) { setOnline(true); return applyList(r.data); }
      });
    }).then(function () {
      updateQueueCount();
      refreshCounts();
    }).catch(function () { /* offline: try again later */ }).then(function () { state.syncing = false; });
  }

  function updateQueueCount() {
    idb.count("queue").then(function (n) { $("queue-count").textContent = n; }).catch(function () {});
    idb.count("tickets").then(function (n) { $("list-size").textContent = n; }).catch(function () {});
  }

  var countsTimer = null;
  function refreshCounts() {
    clearTimeout(countsTimer);
    countsTimer = setTimeout(function () {
      if (!state.online) return;
      api(cfg.urls.stats).then(function (r) {
        if (r.status !== 200) return;
        $("count-total").textContent = r.data.arrivals;
        $("count-expected").textContent = r.data.expected;
        var list = $("count-doors");
        list.textContent = "";
        Object.keys(r.data.doors).forEach(function (door) {
          var li = document.createElement("li");
          li.textContent = door + ": " + r.data.doors[door];
          list.appendChild(li);
        });
      }, function () {});
    }, 300);
  }

  /* ---------- search ---------- */
  function searchNote(words) {
    var note = document.createElement("strong");
    note.className = "search-note";
    note.textContent = words;
    return note;
  }

  function search(query) {
    var status = $("search-status"), list = $("search-results");
    list.textContent = "";
    if (!state.online) { status.textContent = cfg.text.searchOffline; return; }
    api(cfg.urls.search + "?q=" + encodeURIComponent(query)).then(function (r) {
      var tickets = (r.data && r.data.tickets) || [];
      status.textContent = tickets.length ? fmt(cfg.text.found, { count: tickets.length }) : cfg.text.noneFound;
      tickets.forEach(function (t) {
        var li = document.createElement("li");
        var text = document.createElement("span");
        text.textContent = t.name + " · " + t.ticket_type + " · " + t.order + " · " + t.status;
        li.appendChild(text);
        // "Check in" only where it can work: not for someone already in today, nor for a ticket
        // that gets in on no day (the server's rule, door/admission.py); say which instead.
        if (t.in_today || t.refused) {
          li.appendChild(searchNote(t.in_today ? cfg.text.inToday : (t.refused === "unpaid" ? cfg.text.unpaid : cfg.text.refused)));
        } else {
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = cfg.text.checkIn;
          button.setAttribute("aria-label", cfg.text.checkIn + ": " + t.name);
          button.addEventListener("click", function () {
            scan({ ticket: t.id, hash: t.hash }).then(function (result) {
              if (result === "admitted" || result === "already_checked_in") li.replaceChild(searchNote(cfg.text.inToday), button);
            });
          });
          li.appendChild(button);
        }
        list.appendChild(li);
      });
    }, function () { status.textContent = cfg.text.searchOffline; });
  }

  /* ---------- camera ---------- */
  // A badge held up to the camera is one scan, however long it is held: its code counts again
  // only once it has been out of view this long (or the camera was stopped and started).
  var CAMERA_GONE_MS = 1500;
  var camera = { stream: null, detector: null, lastCode: "", lastSeen: 0, canvas: null };
  function loadJsQR() {
    if (window.jsQR) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = cfg.jsqr; s.onload = resolve; s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  // The browser's own QR reader where it has one that reads QR codes, else the vendored jsQR.
  // Some have a BarcodeDetector that reads nothing (a phone without the platform's barcode
  // service): it lists no QR format, or it fails when asked.
  function qrReader() {
    if (!("BarcodeDetector" in window)) return loadJsQR();
    return Promise.resolve(window.BarcodeDetector.getSupportedFormats ? window.BarcodeDetector.getSupportedFormats() : [])
      .then(function (formats) {
        if (formats.indexOf("qr_code") === -1) return loadJsQR();
        camera.detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      })
      .catch(function () { camera.detector = null; return loadJsQR(); });
  }
  function startCamera() {
    var status = $("camera-status"), video = $("camera-video");
    $("camera").hidden = false;
    video.hidden = true; // until the camera films: no empty black box
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { status.textContent = cfg.text.cameraUnavailable; return; }
    qrReader().then(function () {
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    }).then(function (stream) {
      camera.stream = stream;
      video.srcObject = stream;
      video.play();
      video.hidden = false;
      $("scan-hint").hidden = true; // room for the camera view above the result
      status.textContent = cfg.text.cameraOn;
      $("camera-toggle").setAttribute("aria-pressed", "true");
      $("camera-toggle").textContent = cfg.text.stopCamera;
      requestAnimationFrame(tick);
    }).catch(function () { status.textContent = cfg.text.cameraUnavailable; });
  }
  function stopCamera() {
    if (camera.stream) camera.stream.getTracks().forEach(function (track) { track.stop(); });
    camera.stream = null;
    camera.lastCode = "";
    $("camera").hidden = true;
    $("scan-hint").hidden = false;
    $("camera-toggle").setAttribute("aria-pressed", "false");
    $("camera-toggle").textContent = cfg.text.camera;
    input.focus();
  }
  function found(code) {
    var now = Date.now();
    var stillInView = code === camera.lastCode && now - camera.lastSeen < CAMERA_GONE_MS;
    camera.lastCode = code; camera.lastSeen = now;
    if (!stillInView) scan({ code: code });
  }
  function tick() {
    if (!camera.stream) return;
    var video = $("camera-video");
    if (video.readyState < 2) { requestAnimationFrame(tick); return; }
    if (camera.detector) {
      camera.detector.detect(video).then(function (codes) {
        if (codes.length) found(codes[0].rawValue);
        setTimeout(function () { requestAnimationFrame(tick); }, 120);
      }, function () {
        camera.detector = null; // it cannot read after all: jsQR instead
        loadJsQR().then(tick, function () { $("camera-status").textContent = cfg.text.cameraUnavailable; });
      });
      return;
    }
    var canvas = camera.canvas || (camera.canvas = document.createElement("canvas"));
    var w = Math.min(640, video.videoWidth), h = Math.round(video.videoHeight * w / video.videoWidth);
    canvas.width = w; canvas.height = h;
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, w, h);
    var image = ctx.getImageData(0, 0, w, h);
    var code = window.jsQR(image.data, w, h, { inversionAttempts: "dontInvert" });
    if (code && code.data) found(code.data);
    setTimeout(function () { requestAnimationFrame(tick); }, 150);
  }

  /* ---------- wiring ---------- */
  $("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = input.value;
    input.value = "";  // now, not when the answer comes, so the next scan typed meanwhile survives
    scan({ code: code });
  });
  $("undo").addEventListener("click", undo);
  $("sign-out").addEventListener("submit", function (event) {
    event.preventDefault();
    if (leaving) return;
    var form = event.target;
    $("sign-out-status").textContent = cfg.text.signingOut;
    // Upload what was scanned offline first, if the network lets us within a few seconds.
    var upload = state.online ? Promise.race([uploadQueue(), new Promise(function (r) { setTimeout(r, 3000); })]) : Promise.resolve();
    leaving = upload.catch(function () {}).then(clearDevice).then(function () { form.submit(); });
  });
  $("camera-toggle").addEventListener("click", function () { if (camera.stream) stopCamera(); else startCamera(); });
  $("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    search($("search-q").value);
  });
  var doorInput = $("door-name");
  doorInput.value = doorName();
  $("door-name-shown").textContent = doorName();
  doorInput.addEventListener("change", function () {
    var name = doorInput.value.trim().slice(0, 60) || cfg.text.mainGate;
    localStorage.setItem("door.name", name);
    $("door-name-shown").textContent = name;
  });
  window.addEventListener("online", function () { setOnline(true); });
  window.addEventListener("offline", function () { setOnline(false); });
  // A badge scanner types into whatever has focus: bring stray keys back to the code field.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
    if (!typing && event.key && event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) input.focus();
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(cfg.urls.service_worker, { scope: cfg.scope }).catch(function () {});
  }
  setOnline(navigator.onLine);
  updateQueueCount();
  sync();
  syncTimer = setInterval(function () { if (navigator.onLine) sync(); }, 20000);
  document.documentElement.dataset.doorReady = "1";
  input.focus();
})();
