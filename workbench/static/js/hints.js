// Similar accepted ideas and a suggested theme while a participant types.
// Without this script the form's "Check for similar ideas" button asks for
// the same hints with a full page load.
(() => {
  const region = document.getElementById("idea-hints");
  const form = region && region.closest("form");
  if (!form || !window.fetch || !window.AbortController) return;
  const url = region.dataset.hintsUrl;
  // Only what describes the idea is sent: never the contact details.
  const fields = ["title", "problem", "solution"];
  const inputs = fields.map((name) => form.elements.namedItem(name)).filter(Boolean);
  const token = form.elements.namedItem("csrfmiddlewaretoken");
  const DELAY_MS = 400;
  let timer = null;
  let pending = null;
  let lastSent = null;

  // Hints now come as one types. Removed rather than hidden: pressing Enter
  // in a field clicks the form's first button, which must stay "Submit idea".
  const button = form.querySelector("[data-hints-button]");
  if (button) button.closest(".hints__check").remove();

  function draft() {
    return inputs.map((input) => input.value.trim()).join("\n");
  }

  async function ask() {
    const text = draft();
    // Moving between fields without typing asks nothing new.
    if (text === lastSent) return;
    lastSent = text;
    if (pending) pending.abort();
    pending = new AbortController();
    const body = new FormData();
    inputs.forEach((input) => body.append(input.name, input.value));
    if (token) body.append("csrfmiddlewaretoken", token.value);
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        credentials: "same-origin",
        signal: pending.signal,
        headers: { "X-Requested-With": "fetch" },
      });
      // A refusal (too many requests) or an error keeps the hints shown.
      if (!response.ok) return;
      const html = (await response.text()).trim();
      if (region.innerHTML.trim() !== html) region.innerHTML = html;
    } catch (error) {
      if (error.name !== "AbortError") lastSent = null;
    }
  }

  inputs.forEach((input) => {
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
  });
})();
