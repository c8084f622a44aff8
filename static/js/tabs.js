// Accessible tabs (the WAI-ARIA tabs pattern) over blocks that work without JavaScript:
// a [data-tabs] element holds [data-tab-panel] panels, each headed by a [data-tab-label].
// Without this script every panel shows under its heading; with it, the headings become a
// tab list: click or Enter selects, arrow keys move (mirrored right-to-left), Home/End jump.
(function () {
  "use strict";
  var count = 0;

  function setUp(box) {
    var panels = Array.prototype.slice.call(box.querySelectorAll("[data-tab-panel]"));
    if (panels.length < 2) return;
    var list = document.createElement("div");
    list.setAttribute("role", "tablist");
    list.className = "tab-list";
    var title = box.closest("section") && box.closest("section").getAttribute("aria-labelledby");
    if (title) list.setAttribute("aria-labelledby", title);
    var tabs = panels.map(function (panel) {
      var label = panel.querySelector("[data-tab-label]");
      var tab = document.createElement("button");
      tab.type = "button";
      tab.className = "tab";
      tab.id = "tab-" + (panel.id || "panel-" + ++count);
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.textContent = label ? label.textContent : "";
      if (label) label.hidden = true;
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.tabIndex = 0;
      list.appendChild(tab);
      return tab;
    });

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
      });
      if (focus) tabs[index].focus();
    }

    list.addEventListener("click", function (event) {
      var i = tabs.indexOf(event.target.closest("[role=tab]"));
      if (i >= 0) select(i, false);
    });
    list.addEventListener("keydown", function (event) {
      var i = tabs.indexOf(document.activeElement);
      if (i < 0) return;
      var rtl = getComputedStyle(box).direction === "rtl";
      var step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[event.key];
      var next = step ? (i + step + tabs.length) % tabs.length
        : event.key === "Home" ? 0 : event.key === "End" ? tabs.length - 1 : -1;
      if (next < 0) return;
      event.preventDefault();
      select(next, true);
    });
    box.insertBefore(list, panels[0]);
    box.classList.add("tabs-ready");
    select(0, false);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-tabs]"), setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
