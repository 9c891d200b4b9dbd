// Shows what each council member's clock reads at the start typed in Tashkent time.
// Tashkent keeps UTC+5 all year (no daylight saving since 1992), so the offset is fixed.
(function () {
  "use strict";
  var form = document.getElementById("conference-form");
  var source = document.getElementById("member-zones");
  if (!form || !source) { return; }
  var members = JSON.parse(source.textContent);
  var start = form.querySelector("[name='conference-starts_at']");
  var council = form.querySelector("[name='conference-council']");
  var body = document.querySelector("#live-local-times tbody");
  var empty = document.getElementById("live-local-times-empty");
  var lang = document.documentElement.lang || "en";

  function render() {
    body.textContent = "";
    var match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(start.value || "");
    var chosen = members.filter(function (m) { return String(m.council) === council.value; });
    empty.hidden = Boolean(match && chosen.length);
    if (!match) { return; }
    var instant = new Date(Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4] - 5, +match[5]));
    chosen.forEach(function (member) {
      var text;
      try {
        text = new Intl.DateTimeFormat(lang, {
          timeZone: member.zone, dateStyle: "medium", timeStyle: "short"
        }).format(instant);
      } catch (e) {
        text = "—";
      }
      var row = body.insertRow();
      row.insertCell().textContent = member.name;
      row.insertCell().textContent = member.zone;
      row.insertCell().textContent = text;
    });
  }
  start.addEventListener("input", render);
  council.addEventListener("change", render);
  render();
})();
