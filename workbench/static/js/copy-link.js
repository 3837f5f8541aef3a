// The tracking page's "Copy link" button. Without this script the button
// stays hidden and the link is a field the participant selects and copies.
(() => {
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const field = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector("[data-copy-status]");
    if (!field) return;
    button.hidden = false;
    // Tall enough for the whole link, however long the site's address.
    while (field.scrollHeight > field.clientHeight && field.rows < 8) field.rows += 1;

    function say(message) {
      if (status) status.textContent = message;
    }

    // The older way, for browsers that refuse the clipboard API (a page
    // served over plain HTTP, or a permission denied).
    function copyBySelection() {
      field.focus();
      field.select();
      try {
        return document.execCommand("copy");
      } catch (error) {
        return false;
      }
    }

    button.addEventListener("click", async () => {
      let copied = false;
      if (navigator.clipboard && window.isSecureContext) {
        try {
          await navigator.clipboard.writeText(field.value);
          copied = true;
        } catch (error) {
          copied = false;
        }
      }
      if (!copied) copied = copyBySelection();
      say(copied ? button.dataset.copied : button.dataset.copyFailed);
      // Left selected either way, so copying by hand is one step.
      if (!copied) field.select();
    });
  });
})();
