// Progressive enhancement only: the evaluation report prints without this file.
(function () {
  "use strict";

  // "Print / save as PDF" opens the browser's print dialog, where "Save as PDF" is one of the
  // printers. Without JavaScript the button stays hidden, and the browser's own Print command
  // gives the same pages (the print stylesheet does the work).
  document.querySelectorAll("[data-print-report]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
