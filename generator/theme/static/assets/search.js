// Starts Pagefind's search box on search/index.html. Paths are worked out from the page's own
// address, so the site can live under any sub-path; each result shows its record's type.
(function () {
  "use strict";
  var element = document.getElementById("search");
  if (!element) {
    return;
  }
  function unavailable() {
    element.hidden = true;
    document.getElementById("search-unavailable").hidden = false;
  }
  // Browsers refuse to load the search index into a page opened straight from disk.
  if (typeof PagefindUI === "undefined" || window.location.protocol === "file:") {
    unavailable();
    return;
  }
  var root = new URL(element.dataset.root, window.location.href);
  var bundle = new URL(element.dataset.bundle, window.location.href);
  // A big site's index comes in shards, searched together with the first one.
  var shards = (element.dataset.shards || "").split(" ").filter(Boolean).map(function (url) {
    return { bundlePath: new URL(url, window.location.href).pathname };
  });
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: bundle.pathname,
    mergeIndex: shards,
    baseUrl: root.pathname,
    showSubResults: true,
    showImages: false,
    autofocus: true,
    processResult: function (result) {
      if (result.meta && result.meta.type && result.meta.title) {
        result.meta.title = result.meta.type + ": " + result.meta.title;
      }
      return result;
    }
  });
  // Pagefind names its box only by a title; screen readers need a real label.
  function label() {
    var input = element.querySelector("input[type=text], input[type=search], input:not([type])");
    if (input) {
      input.setAttribute("aria-label", "Search the fact sheets");
    }
    return Boolean(input);
  }
  if (!label()) {
    new MutationObserver(function (changes, observer) {
      if (label()) {
        observer.disconnect();
      }
    }).observe(element, { childList: true, subtree: true });
  }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();
