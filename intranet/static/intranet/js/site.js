// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // A join or leave button sends its form once, even when clicked twice.
  function setSubmitButtons(form, disabled) {
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = disabled;
    });
  }
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      setSubmitButtons(form, true);
    });
    // Coming back through the browser history shows the page as it was left.
    window.addEventListener("pageshow", function () {
      setSubmitButtons(form, false);
    });
  });

  // Messages can be dismissed once read.
  document.querySelectorAll(".messages[data-close-label] .message").forEach(function (message) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "message__close";
    button.setAttribute("aria-label", message.parentElement.dataset.closeLabel);
    button.textContent = "×";
    button.addEventListener("click", function () {
      message.remove();
    });
    message.appendChild(button);
  });

  // A printout shows the folded lists (all members) too.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (details) {
      details.open = true;
    });
  });
})();
