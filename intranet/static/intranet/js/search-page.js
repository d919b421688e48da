// The search page (templates/search/search_page.html). Progressive enhancement only:
// without this file the filters and the sort apply with their buttons.
(function () {
  "use strict";

  var form = document.querySelector("form[data-search-form]");
  if (!form) {
    return;
  }
  var FOCUS_KEY = "search-page-focus";
  var status = document.querySelector("[data-search-status]");

  // A filter or the sort applies as soon as it changes: the buttons are not needed,
  // and the help text (read before the checkboxes) says so.
  document.querySelectorAll("[data-search-apply]").forEach(function (button) {
    button.hidden = true;
  });
  document.querySelectorAll("[data-search-auto-help]").forEach(function (help) {
    help.hidden = false;
  });

  function remember(control) {
    try {
      window.sessionStorage.setItem(FOCUS_KEY, control.id);
    } catch (error) {
      // Private browsing may refuse storage: the focus then starts at the top.
    }
  }

  document.addEventListener("change", function (event) {
    var control = event.target;
    if (control.form !== form || control.name === "q") {
      return;
    }
    remember(control);
    form.submit();
  });

  // Back on the page after a change: the focus returns to the control that was used,
  // and the number of results is announced again.
  var focusId = null;
  try {
    focusId = window.sessionStorage.getItem(FOCUS_KEY);
    window.sessionStorage.removeItem(FOCUS_KEY);
  } catch (error) {
    focusId = null;
  }
  var control = focusId && document.getElementById(focusId);
  if (control) {
    for (var folded = control.closest("details"); folded; folded = folded.parentElement.closest("details")) {
      folded.open = true;
    }
    control.focus();
    if (status) {
      var text = status.textContent;
      status.textContent = "";
      window.setTimeout(function () {
        status.textContent = text;
      }, 100);
    }
  } else if (window.matchMedia && window.matchMedia("(max-width: 60rem)").matches) {
    // On a narrow screen the results come first to the eye: the filters fold away.
    document.querySelectorAll("details[data-search-filters]").forEach(function (details) {
      details.open = false;
    });
  }
})();
