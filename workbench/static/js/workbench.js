// The facilitator's workbench: small enhancements over pages that work without
// JavaScript. Loaded as a file (no inline script) so a strict
// Content-Security-Policy can apply to the admin as it does to the site.
(function () {
  "use strict";

  // A clustering run's progress, polled while it runs. Without JavaScript the
  // page's "Refresh" link does the same by hand.
  function watchRun(box) {
    var url = box.getAttribute("data-run-status-url");
    var bar = box.querySelector("progress");
    var percent = box.querySelector("[data-run-progress]");
    var stage = box.querySelector("[data-run-stage]");
    var delay = 2000;

    function poll() {
      fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (run) {
          if (bar) {
            bar.value = run.progress;
            bar.textContent = run.progress + "%";
          }
          if (percent) {
            percent.textContent = run.progress + "%";
          }
          if (stage) {
            stage.textContent = run.stage || "";
          }
          if (run.finished) {
            // The finished page shows the clusters, or why the run failed.
            window.location.reload();
            return;
          }
          delay = 2000;
          window.setTimeout(poll, delay);
        })
        .catch(function () {
          // A slow or restarting server: ask less often, give up never.
          delay = Math.min(delay * 2, 30000);
          window.setTimeout(poll, delay);
        });
    }

    window.setTimeout(poll, delay);
  }

  // "Select all" boxes stay hidden unless this script can make them work.
  function selectAll(box) {
    var name = box.getAttribute("data-select-all");
    var form = box.form;
    if (!form) {
      return;
    }
    var boxes = Array.prototype.filter.call(
      form.querySelectorAll('input[type="checkbox"]'),
      function (input) {
        return input.name === name;
      }
    );
    if (!boxes.length) {
      return;
    }
    box.hidden = false;
    box.addEventListener("change", function () {
      boxes.forEach(function (input) {
        input.checked = box.checked;
      });
    });
  }

  function start() {
    document.querySelectorAll("[data-run-status-url]").forEach(watchRun);
    document.querySelectorAll("[data-select-all]").forEach(selectAll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
