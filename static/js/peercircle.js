// PeerCircle's only script. Everything works without it; it adds small conveniences.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Pre-select the browser's time zone on fields that ask for one, unless the person chose already.
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = null; }
    document.querySelectorAll("select[data-detect-timezone]").forEach(function (select) {
      if (!zone || select.dataset.touched) { return; }
      var isDefault = select.value === "America/New_York" || select.value === "";
      if (isDefault && select.querySelector('option[value="' + zone + '"]')) { select.value = zone; }
    });
    // Copy-to-clipboard buttons (the invite box).
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.getElementById(button.dataset.copyTarget);
        if (!target || !navigator.clipboard) { return; }
        navigator.clipboard.writeText(target.value || target.textContent).then(function () {
          button.textContent = "Copied";
        });
      });
    });
  });
})();
