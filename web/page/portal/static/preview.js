// preview.js keeps the badge class editor's preview up to date: after
// each change to the form, and a short pause, it posts the form to the
// preview address (the form's data-preview) and puts the answer, an HTML
// fragment drawn by the server, in the preview. Without it the editor's
// Preview button shows the same preview with the form.
(function () {
  "use strict";

  var form = document.getElementById("badgeclass-form");
  var out = document.getElementById("preview");
  if (!form || !out || !form.dataset.preview) {
    return;
  }
  var timer = null;
  var sent = 0;

  function refresh() {
    var n = ++sent;
    var body = new URLSearchParams(new FormData(form));
    fetch(form.dataset.preview, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    }).then(function (resp) {
      return resp.ok ? resp.text() : null;
    }).then(function (html) {
      if (html !== null && n === sent) { // only the answer to the last change
        out.innerHTML = html;
        out.dataset.updated = String(n);
      }
    }).catch(function () {});
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  refresh();
})();
