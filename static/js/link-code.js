// An invitation or reset link carries its code after "#", which the browser never sends to the server.
// Move it into the form and send the form (a POST), so the code never appears in an address the
// server logs; then forget it from the address bar and history. Without JavaScript the person pastes
// the code, which the email also gives.
(function () {
  var form = document.getElementById("link-code-form");
  var code = window.location.hash.slice(1);
  if (!form || !code) return;
  window.history.replaceState(null, "", window.location.pathname);
  form.querySelector("input[name=code]").value = decodeURIComponent(code);
  form.submit();
})();
