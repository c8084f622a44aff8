// Click-to-load films: the page shows the poster and links to the video's own page; no
// request reaches YouTube or Vimeo until the reader asks. Then the poster gives way to the
// provider's privacy-friendly player (youtube-nocookie.com, Vimeo with dnt=1).
(function () {
  "use strict";
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-embed]"), function (frame) {
      var poster = frame.querySelector(".film-poster");
      if (!poster) return;
      poster.addEventListener("click", function (event) {
        event.preventDefault();
        var player = document.createElement("iframe");
        player.src = frame.getAttribute("data-embed");
        player.title = frame.getAttribute("data-title") || "";
        player.allow = "autoplay; fullscreen; picture-in-picture";
        player.allowFullscreen = true;
        player.className = "film-player";
        frame.replaceChild(player, poster);
        player.focus();
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
