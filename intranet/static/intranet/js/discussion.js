// Progressive enhancement of the staff discussion: every form works without this file.
(function () {
  "use strict";

  var status = document.querySelector("[data-discussion-status]");

  function announce(text) {
    if (status) {
      status.textContent = "";
      window.setTimeout(function () {
        status.textContent = text;
      }, 50);
    }
  }

  // "Bermanfaat" toggles without reloading the page; on any failure the form posts as usual.
  document.querySelectorAll("form[data-helpful]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) {
        return;
      }
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      window
        .fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (answer) {
          button.setAttribute("aria-pressed", answer.pressed ? "true" : "false");
          var count = form.querySelector("[data-helpful-count]");
          var hidden = count.querySelectorAll(".visually-hidden");
          count.textContent = "";
          count.appendChild(hidden[0]);
          count.appendChild(document.createTextNode(String(answer.count)));
          count.appendChild(hidden[1]);
          announce(button.textContent.replace(/\s+/g, " ").trim());
          button.disabled = false;
        })
        .catch(function () {
          button.disabled = false;
          form.submit();
        });
    });
  });
})();
