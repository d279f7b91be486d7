// award.js helps the award pages; each works without it.
//
// On a form with a schedule (award_form.html, award_csv.html) it says the
// date and time are the browser's own, and on submit gives the server
// their offset from UTC (tz_offset); without it they are read as UTC, as
// the page then says.
//
// On a CSV job's page (award_job.html) it polls the job's progress as
// JSON and moves the progress bar, and once the job has ended reloads the
// page, which then lists each row's outcome. Without it the page
// refreshes itself (a meta refresh in noscript).
(function () {
  "use strict";

  function zoneText(minutes) {
    var sign = minutes < 0 ? "-" : "+";
    var m = Math.abs(minutes);
    var hh = String(Math.floor(m / 60)).padStart(2, "0");
    var mm = String(m % 60).padStart(2, "0");
    return "UTC" + sign + hh + ":" + mm;
  }

  var when = document.getElementById("scheduled_at");
  var offset = document.getElementById("tz_offset");
  var hint = document.getElementById("scheduled_at-hint");
  if (when && offset && hint && when.form) {
    hint.textContent = hint.dataset.local.replace("{zone}", zoneText(-new Date().getTimezoneOffset()));
    when.form.addEventListener("submit", function () {
      // The offset at the chosen moment, which summer time may change.
      var at = when.value ? new Date(when.value) : new Date();
      offset.value = isNaN(at.getTime()) ? "" : String(-at.getTimezoneOffset());
    });
  }

  var job = document.getElementById("job");
  if (!job || job.dataset.final === "true") {
    return;
  }
  var bar = document.getElementById("job-progress");
  var state = document.getElementById("job-state");
  var count = document.getElementById("job-count");
  var template = count.textContent.replace(/\d+/, "{done}").replace(/\d+(?!.*\d)/, "{total}");
  function poll() {
    fetch(job.dataset.progress, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (resp) {
        if (!resp.ok) {
          throw new Error(resp.status);
        }
        return resp.json();
      })
      .then(function (p) {
        bar.max = p.total;
        bar.value = p.done;
        bar.textContent = p.total ? Math.floor((100 * p.done) / p.total) + "%" : "";
        state.textContent = p.text;
        count.textContent = template.replace("{done}", p.done).replace("{total}", p.total);
        job.dataset.state = p.state;
        if (p.final) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 500);
})();
