// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var swapped = null;  // {id, moveFocus} of the region being replaced, kept from beforeSwap to afterSettle
  var submitted = null;  // the form the person last submitted, until its results are swapped in

  // htmx sends the CSRF token as a header (Flask-WTF reads X-CSRFToken).
  document.addEventListener("htmx:configRequest", function (event) {
    if (meta && event.detail.verb !== "get") {
      event.detail.headers["X-CSRFToken"] = meta.content;
    }
  });

  // When the person asked for new content (submitted a form, followed a link), focus moves to the new region's
  // heading. While they are still typing or choosing filters, focus stays where it is.
  // Enter in a search field fires change, submit and search in turn; the form's hx-sync keeps only the last
  // request, so the submit is remembered here rather than read from the request that wins.
  document.addEventListener("submit", function (event) { submitted = event.target; }, true);

  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig || {};
    var trigger = config.triggeringEvent;
    var elt = config.elt;
    var target = event.detail.target;
    var asked = (trigger && trigger.type === "submit") || (elt && elt.tagName === "A") ||
      (submitted !== null && submitted === elt);
    submitted = null;
    swapped = target && target.id ? {id: target.id, moveFocus: asked} : null;
  });

  // Some URLs leave a choice implicit (/help, where a cookie or the profile picks the province). Before htmx
  // pushes a new URL, name the choice on screen in the current history entry, so Back returns to it. (htmx also
  // saves the page while restoring one; the address has already changed then, and must be left alone.)
  document.addEventListener("htmx:beforeHistorySave", function (event) {
    var named = document.querySelector("[data-history-url]");
    if (named && event.detail.path === location.pathname + location.search) {
      history.replaceState(history.state, "", named.getAttribute("data-history-url"));
    }
  });

  // Either way, the region's summary (its data-announce attribute) is read out through the page's one live
  // region, #announcer, which exists from page load: screen readers ignore live regions that arrive in a swap.
  document.addEventListener("htmx:afterSettle", function () {
    if (!swapped) { return; }
    var region = document.getElementById(swapped.id);
    var moveFocus = swapped.moveFocus;
    swapped = null;
    if (!region) { return; }
    announce(region.getAttribute("data-announce"));
    var heading = moveFocus && region.querySelector("[tabindex='-1']");
    if (heading) { heading.focus(); }
  });

  // A confirmation that arrives as <dialog data-modal> (staff cancelling a session) opens as a modal dialog, and
  // goes away once closed ("No, keep it" is a method="dialog" form: no request).
  document.addEventListener("htmx:afterSettle", function () {
    var dialog = document.querySelector("dialog[data-modal]:not([open])");
    if (dialog && typeof dialog.showModal === "function") { dialog.showModal(); }
  });
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (dialog.matches && dialog.matches("dialog[data-modal]")) { dialog.remove(); }
  }, true);

  function announce(text) {
    var announcer = document.getElementById("announcer");
    if (!announcer || !text) { return; }
    // Emptied first, so the same words said twice (a second identical search) are announced again.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 100);
  }

  // A form marked data-swap-refusals shows the server's answer even when it refuses: 409 (another moderator acted
  // first), 422 (a problem with what was typed, kept in the answer) and 429 (too many stories for now).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if ((status === 409 || status === 422 || status === 429) && elt && elt.closest &&
        elt.closest("[data-swap-refusals]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Offline (issue 14): the service worker keeps the crisis pages on this device. Its URL comes from the page
  // (base.html's manifest link), never written here.
  var manifest = document.querySelector("link[rel=manifest][data-service-worker]");
  if (manifest && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(manifest.getAttribute("data-service-worker"), {scope: "/"})
      .catch(function () { /* no worker (private window, blocked): the site works as before, online */ });
  }
})();
