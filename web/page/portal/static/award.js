// award.js follows a CSV award job on its page (award_job.html): it polls
// the job's progress as JSON and moves the progress bar, and once the job
// has ended reloads the page, which then lists each row's outcome.
// Without it the page refreshes itself (a meta refresh in noscript).
(function () {
  "use strict";
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
