// Wagtail's tag field types into an input its script adds, with no label: a
// screen reader announces "edit text". Give it the name of the field it fills.
(function () {
  "use strict";

  function label(input) {
    if (input.hasAttribute("aria-label")) {
      return;
    }
    var list = input.closest("ul.tagit");
    var field = list && list.parentElement.querySelector("input[type=hidden][id], input[id]:not(.ui-autocomplete-input)");
    var text = field && document.querySelector('label[for="' + field.id + '"]');
    if (text) {
      input.setAttribute("aria-label", text.textContent.trim());
    }
  }

  function labelAll() {
    document.querySelectorAll("ul.tagit input.ui-autocomplete-input").forEach(label);
  }

  document.addEventListener("DOMContentLoaded", labelAll);
  new MutationObserver(labelAll).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();
