// ask.js: the employer's page while it waits for a wallet's answer. It
// asks the status route (same origin) every two seconds and reloads the
// page once the answer came or the request expired; without script the
// page has a refresh button.
(function () {
  'use strict';
  var status = document.getElementById('waiting');
  if (!status) { return; }
  var url = status.getAttribute('data-status');
  function poll() {
    fetch(url, {headers: {'Accept': 'application/json'}, cache: 'no-store'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (s && (s.answered || s.expired)) { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
