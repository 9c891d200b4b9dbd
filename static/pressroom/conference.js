// Progressive: without JavaScript the page shows Tashkent time and the time zone field keeps
// Asia/Tashkent; with it, the visitor's own time and zone (editable) are filled in.
(function () {
  "use strict";
  function localTime() {
    var start = document.getElementById("conference-start");
    var holder = document.getElementById("conference-local");
    if (!start || !holder || !window.Intl) return;
    var when = new Date(start.getAttribute("datetime"));
    if (isNaN(when.getTime())) return;
    var lang = document.documentElement.lang || undefined;
    var text;
    try {
      text = new Intl.DateTimeFormat(lang, {dateStyle: "long", timeStyle: "short", timeZoneName: "short"}).format(when);
    } catch (e) {
      text = when.toLocaleString();
    }
    holder.querySelector(".local-time").textContent = text;
    holder.hidden = false;
  }
  function guessZone() {
    var field = document.getElementById("id_timezone");
    if (!field || !window.Intl) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && (!field.value || field.value === "Asia/Tashkent")) field.value = zone;
  }
  document.addEventListener("DOMContentLoaded", function () { localTime(); guessZone(); });
})();
