// Tells the server the browser's time zone, so a visitor who is not signed in sees every time in
// their own zone (members/middleware.py reads the cookie; signed-in people use their profile's).
// Without this script, times are shown in the group's zone or UTC, always labelled.
(function () {
  "use strict";
  var NAME = "pc_tz";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = null; }
  // IANA names are letters, digits and / _ + - only: written as they are, no escaping needed.
  if (!zone || !/^[A-Za-z0-9_\/+\-]{1,64}$/.test(zone)) { return; }

  function stored() {
    var match = document.cookie.match(/(?:^|;\s*)pc_tz=([^;]*)/);
    return match ? match[1] : null;
  }

  var before = stored();
  if (before === zone) { return; }
  document.cookie = NAME + "=" + zone + "; path=/; max-age=31536000; SameSite=Lax" +
    (window.location.protocol === "https:" ? "; Secure" : "");
  if (before !== null || stored() !== zone) { return; } // moved zones, or cookies are off: no reload

  // First visit: the server drew this page before it knew the zone.
  document.addEventListener("DOMContentLoaded", function () {
    // A page with times: draw it once more, now in the visitor's zone. The cookie is set, so
    // the next load finds it and does not come back here.
    if (document.querySelector("time[datetime]")) {
      window.location.replace(window.location.href);
      return;
    }
    // The sign-up form guessed a zone: pick the browser's instead, if the list has it.
    document.querySelectorAll("select[data-detect-timezone]").forEach(function (select) {
      if (select.querySelector('option[value="' + zone + '"]')) { select.value = zone; }
    });
  });
})();
