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
