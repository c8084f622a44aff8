// Starts Pagefind's search interface on the search page; the index is built with the site.
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  new PagefindUI({
    element: "#search",
    bundlePath: box.getAttribute("data-bundle"),
    showSubResults: false,
    showImages: false,
    translations: { placeholder: box.getAttribute("data-placeholder") },
  });
});
