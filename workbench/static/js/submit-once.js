// A second click while the first submission is on its way would send the idea
// twice on a slow phone connection; the server folds repeats too.
document.querySelectorAll("form[data-submit-once]").forEach((form) => {
  form.addEventListener("submit", () => {
    form.querySelectorAll("button[type=submit]").forEach((button) => {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    });
  });
});
const summary = document.getElementById("error-summary");
if (summary) summary.focus();
