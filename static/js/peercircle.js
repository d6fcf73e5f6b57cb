// PeerCircle's only script. Everything works without it; it adds small conveniences.
(function () {
  "use strict";

  // The field an error-summary link points to: the input itself, or the first of a group of
  // radios or checkboxes (Django numbers them id_<field>_0, _1, ...).
  function fieldFor(id) {
    var target = document.getElementById(id) || document.getElementById(id + "_0");
    if (target && !target.matches("input, select, textarea, button")) {
      target = target.querySelector("input, select, textarea") || target;
    }
    return target;
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Copy-to-clipboard buttons (the invite box).
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.getElementById(button.dataset.copyTarget);
        if (!target || !navigator.clipboard) { return; }
        navigator.clipboard.writeText(target.value || target.textContent).then(function () {
          // The word in the page's language (templates/base.html's data-copied-label).
          button.textContent = document.body.dataset.copiedLabel || "Copied";
        });
      });
    });

    // A form came back with errors: move focus to the summary at its top, and let each link
    // in it move focus to its field (a plain #link only scrolls).
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        if (!link) { return; }
        var field = fieldFor(link.getAttribute("href").slice(1));
        if (!field) { return; }
        event.preventDefault();
        var label = field.id ? document.querySelector("label[for='" + field.id + "']") : null;
        (label || field).scrollIntoView({ block: "center" });
        field.focus({ preventScroll: true });
      });
    }

    // Say the page's messages ("Your answer is saved") to screen readers: the status region is
    // in the page from the start and is filled now, which live regions announce.
    var region = document.getElementById("status-region");
    var messages = document.querySelectorAll(".messages .alert");
    if (region && messages.length) {
      window.setTimeout(function () {
        region.textContent = Array.prototype.map.call(messages, function (message) {
          return message.textContent.trim();
        }).join(" ");
      }, 250);
    }

    // Filters beside a list are folded on phones and open on wide screens (peercircle.css does
    // it where the browser can style ::details-content).
    if (window.matchMedia("(min-width: 992px)").matches) {
      document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
        details.open = true;
      });
    }
  });
})();
