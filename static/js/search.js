// Starts Pagefind's search interface on the search page; the index is built with the site.
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  var label = box.getAttribute("data-placeholder");
  new PagefindUI({
    element: "#search",
    bundlePath: box.getAttribute("data-bundle"),
    showSubResults: false,
    showImages: false,
    translations: { placeholder: label },
  });
  // Pagefind labels its input with a title only; screen readers need a real label.
  function labelInput() {
    var input = box.querySelector("input[type=text], input:not([type])");
    if (!input) return false;
    input.setAttribute("aria-label", label);
    return true;
  }
  if (!labelInput()) {
    new MutationObserver(function (changes, observer) {
      if (labelInput()) observer.disconnect();
    }).observe(box, { childList: true, subtree: true });
  }
});
