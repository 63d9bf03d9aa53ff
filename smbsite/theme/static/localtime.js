// Adds "in your time zone" to event times, which the page gives in the event's own
// zone (and says whose). Without this script the line stays hidden.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) return;
  var lang = document.documentElement.lang || undefined;
  var full = { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" };
  var short = { hour: "numeric", minute: "2-digit", timeZoneName: "short" };
  function fmt(options, zone) {
    var o = {};
    Object.keys(options).forEach(function (k) { o[k] = options[k]; });
    if (zone) o.timeZone = zone;
    return new Intl.DateTimeFormat(lang, o);
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-local-start]"), function (el) {
    var start = new Date(el.getAttribute("data-local-start"));
    var end = el.getAttribute("data-local-end") ? new Date(el.getAttribute("data-local-end")) : null;
    var zone = el.getAttribute("data-zone");
    if (isNaN(start)) return;
    try {
      if (fmt(short, zone).format(start) === fmt(short).format(start)) {
        el.textContent = "That is your time zone too.";
        return;
      }
    } catch (e) {
      return; // a zone this browser does not know: the event's own time stands alone
    }
    var sameDay = end && fmt({ year: "numeric", month: "numeric", day: "numeric" }).format(start) ===
      fmt({ year: "numeric", month: "numeric", day: "numeric" }).format(end);
    var text = fmt(full).format(start) + (end ? " – " + (sameDay ? fmt(short) : fmt(full)).format(end) : "");
    if (!end || !sameDay) text += " " + fmt(short).format(start).split(" ").pop();
    el.textContent = "In your time zone: " + text;
  });
})();
