// Small and optional: the pages work without it. It shows "last seen" as an age and refreshes the fleet
// table while nobody is typing, so a wall screen stays current.
(function () {
  "use strict";
  function age(ms) {
    var s = Math.round(ms / 1000);
    if (s < 90) return s + " s ago";
    if (s < 5400) return Math.round(s / 60) + " min ago";
    if (s < 129600) return Math.round(s / 3600) + " h ago";
    return Math.round(s / 86400) + " d ago";
  }
  function ages() {
    document.querySelectorAll("table.fleet time").forEach(function (t) {
      t.textContent = age(Date.now() - Date.parse(t.getAttribute("datetime")));
    });
  }
  ages();
  setInterval(ages, 5000);
  var fleet = document.querySelector("table[data-refresh]");
  if (fleet) {
    setInterval(function () {
      var active = document.activeElement;
      if (!active || active.tagName !== "INPUT") location.reload();
    }, 1000 * parseInt(fleet.getAttribute("data-refresh"), 10));
  }
})();
