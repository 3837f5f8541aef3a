// The triage screen's keys: one key per decision, over forms that work
// without JavaScript. Loaded as a file (no inline script) for the admin's CSP.
(function () {
  "use strict";

  var root = document.querySelector("[data-triage]");
  if (!root) {
    return;
  }
  // A decision is on its way: a second key press would be taken on the idea
  // that is about to be replaced, so nothing more is sent until the page changes.
  var sending = false;

  function isTyping(target) {
    if (!target || !target.tagName) {
      return false;
    }
    var tag = target.tagName.toLowerCase();
    return (
      tag === "input" ||
      tag === "textarea" ||
      tag === "select" ||
      target.isContentEditable
    );
  }

  function send(button) {
    if (sending || !button || button.disabled) {
      return;
    }
    sending = true;
    root.setAttribute("aria-busy", "true");
    var form = button.form;
    if (form.requestSubmit) {
      form.requestSubmit(button);
    } else {
      button.click();
    }
  }

  function field(name) {
    return root.querySelector('[data-triage-field="' + name + '"]');
  }

  function focusField(name) {
    var input = field(name);
    if (input) {
      input.focus();
      input.select && input.value && input.select();
    }
  }

  function follow(name) {
    var link = root.querySelector('[data-triage-link="' + name + '"]');
    if (link && !sending) {
      sending = true;
      window.location.assign(link.href);
    }
  }

  var keys = {
    a: function () {
      send(root.querySelector('[data-triage-key="a"]'));
    },
    r: function () {
      focusField("reason");
    },
    t: function () {
      focusField("tags");
    },
    d: function () {
      focusField("duplicate_of");
    },
    n: function () {
      follow("next");
    },
    j: function () {
      follow("next");
    },
    u: function () {
      follow("back");
    },
    k: function () {
      follow("back");
    },
  };

  // Choosing an answer template writes its text, filled in for this idea, in
  // the answer box, where it can still be changed; a text typed by hand is
  // never replaced.
  var picker = root.querySelector("[data-triage-template]");
  var answer = root.querySelector('[data-triage-field="reason"]');
  if (picker && answer) {
    var filled = "";
    picker.addEventListener("change", function () {
      var option = picker.options[picker.selectedIndex];
      if (answer.value === "" || answer.value === filled) {
        filled = option.getAttribute("data-text") || "";
        answer.value = filled;
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (isTyping(target)) {
      if (event.key === "Escape") {
        target.blur();
        var heading = root.querySelector("[data-triage-heading]");
        if (heading) {
          heading.focus();
        }
        event.preventDefault();
      } else if (
        event.key === "Enter" &&
        (event.ctrlKey || event.metaKey) &&
        target.getAttribute("data-triage-field") === "reason"
      ) {
        event.preventDefault();
        send(root.querySelector('[data-triage-submit="reason"]'));
      } else if (event.key === "Enter" && target.form && sending) {
        event.preventDefault();
      } else if (
        event.key === "Enter" &&
        target.form &&
        target.tagName.toLowerCase() === "input"
      ) {
        event.preventDefault();
        send(target.form.querySelector("button[type=submit]"));
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) {
      return;
    }
    var key = event.key.length === 1 ? event.key.toLowerCase() : "";
    // With the Thai layout on, "a" types "ฟ": the key's place on the keyboard
    // is what the facilitator learnt, so it counts where the letter is not Latin.
    if (!/^[a-z0-9]$/.test(key)) {
      var place = /^(?:Key([A-Z])|Digit([0-9]))$/.exec(event.code || "");
      key = place ? (place[1] || place[2]).toLowerCase() : key;
    }
    var action = keys[key];
    if (!action && /^[1-9]$/.test(key)) {
      var theme = root.querySelector('[data-triage-key="' + key + '"]');
      if (theme) {
        action = function () {
          send(theme);
        };
      }
    }
    if (action) {
      event.preventDefault();
      action();
    }
  });

  // Where the server asks (a refused reason, say), the cursor goes back to
  // that field, with what was typed; otherwise to the idea's title, so the
  // keys work at once and a screen reader reads the idea that came up.
  var wanted = root.getAttribute("data-triage-focus");
  var input = wanted && field(wanted);
  if (input) {
    input.focus();
  } else {
    var heading = root.querySelector("[data-triage-heading]");
    if (heading) {
      heading.focus({ preventScroll: true });
    }
  }
})();
