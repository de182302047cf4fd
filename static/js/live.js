// Work under way (a job's page, a batch of emails): the page's main content is brought up to date
// every few seconds in place, without reloading, until the work is finished.
// Progressive enhancement: without JavaScript the page reloads itself (a <noscript> meta refresh).
(function () {
  var seconds = Number(document.currentScript && document.currentScript.dataset.seconds) || 2;
  var main = document.getElementById("main-content");
  if (!main || !window.fetch || !window.DOMParser) return;

  function update() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.redirected || !response.ok) {  // signed out, or gone: let the browser show it
          window.location.reload();
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var content = fresh.getElementById("main-content");
        if (content) main.innerHTML = content.innerHTML;
        if (fresh.querySelector("script[data-live]")) window.setTimeout(update, seconds * 1000);
      })
      .catch(function () { window.setTimeout(update, seconds * 1000); });  // a blip: try again
  }
  window.setTimeout(update, seconds * 1000);
})();
