// Warns two minutes before the idle sign-out and offers to stay signed in.
// Progressive enhancement: without JavaScript the footer note says the same.
(function () {
  var script = document.currentScript;
  var minutes = Number(script && script.dataset.idleMinutes) || 30;
  var note = document.getElementById("session-note");
  if (!note) return;
  window.setTimeout(function () {
    note.setAttribute("role", "alert");
    note.textContent = "You will be signed out in 2 minutes because you have not done anything for a while. " +
      "Reload the page or continue working to stay signed in.";
    note.classList.add("app-session-note--warning");
  }, (minutes - 2) * 60 * 1000);
})();

// Sortable tables: a button in each sortable column header re-orders the rows in place.
(function () {
  document.querySelectorAll("table.app-sortable").forEach(function (table) {
    table.querySelectorAll("thead th[aria-sort]").forEach(function (th, index) {
      var label = th.textContent.trim();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "app-sortable__button";
      button.textContent = label;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var column = Array.prototype.indexOf.call(th.parentNode.children, th);
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th[aria-sort]").forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].dataset.sortValue || a.cells[column].textContent.trim();
          var y = b.cells[column].dataset.sortValue || b.cells[column].textContent.trim();
          var nx = Number(x), ny = Number(y);
          var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
