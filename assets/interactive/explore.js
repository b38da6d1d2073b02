// The book's interactive charts (chapters/interactive.py writes their Vega-Lite specifications).
// Each chart is drawn when its disclosure is first opened, from the scripts this site serves itself.
// Each authority's hexagon can be reached with the tab key: focusing it shows its figure in words below the
// chart, as hovering shows it beside the pointer; choosing it (click or Enter) opens that authority's book
// where one is built, and otherwise says that none is.
(function () {
  "use strict";

  function say(details, text) {
    details.querySelector(".explore-readout").textContent = text;
  }

  function follow(datum, details) {
    if (!datum || !datum.link) return;
    var name = String(datum.reading || "").split(":")[0];
    fetch(datum.link, { method: "HEAD" })
      .then(function (response) {
        if (response.ok) window.location.href = datum.link;
        else say(details, "No book has been built yet for " + name + ".");
      })
      .catch(function () {
        say(details, "No book has been built yet for " + name + ".");
      });
  }

  function focusable(target, details) {
    // Vega's SVG renderer keeps each mark's scenegraph item on its element (__data__), the datum with it.
    target.querySelectorAll('[role="graphics-symbol"][aria-label]').forEach(function (mark) {
      var item = mark.__data__;
      if (!item || !item.datum || !item.datum.link) return;
      mark.setAttribute("tabindex", "0");
      mark.addEventListener("focus", function () {
        say(details, mark.getAttribute("aria-label"));
      });
      mark.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          follow(item.datum, details);
        }
      });
    });
  }

  function draw(details) {
    var target = details.querySelector(".vega-chart");
    if (!target || target.dataset.drawn) return;
    target.dataset.drawn = "yes";
    if (typeof window.vegaEmbed !== "function") {
      say(details, "This build has no interactive chart scripts; the charts and CSV files above hold the same figures.");
      return;
    }
    window
      .vegaEmbed(target, target.dataset.spec, { actions: false, renderer: "svg" })
      .then(function (result) {
        var refresh = function () {
          window.requestAnimationFrame(function () {
            focusable(target, details);
          });
        };
        result.view.addEventListener("click", function (event, item) {
          if (item && item.datum) follow(item.datum, details);
        });
        result.view.runAfter(refresh);
        // A new measure chosen from the list redraws the marks: make the new ones focusable too.
        result.view.addSignalListener("measure", refresh);
      })
      .catch(function (error) {
        say(details, "The chart could not be drawn: " + error.message);
      });
  }

  document.querySelectorAll("details.explore-chart").forEach(function (details) {
    if (details.open) draw(details);
    details.addEventListener("toggle", function () {
      if (details.open) draw(details);
    });
  });
})();
