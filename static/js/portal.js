// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var focusAfterSwap = null;

  // htmx sends the CSRF token as a header (Flask-WTF reads X-CSRFToken).
  document.addEventListener("htmx:configRequest", function (event) {
    if (meta && event.detail.verb !== "get") {
      event.detail.headers["X-CSRFToken"] = meta.content;
    }
  });

  // When the person asked for new content (submitted a form, followed a link), move focus to the swapped
  // region's heading. While they are still typing or choosing filters, focus stays put and the region's
  // aria-live status line announces the result instead.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig || {};
    var trigger = config.triggeringEvent;
    var elt = config.elt;
    var asked = (trigger && trigger.type === "submit") || (elt && elt.tagName === "A");
    focusAfterSwap = asked && event.detail.target ? event.detail.target.id : null;
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

  document.addEventListener("htmx:afterSettle", function () {
    if (!focusAfterSwap) { return; }
    var region = document.getElementById(focusAfterSwap);
    focusAfterSwap = null;
    var heading = region && region.querySelector("[tabindex='-1']");
    if (heading) { heading.focus(); }
  });
})();
