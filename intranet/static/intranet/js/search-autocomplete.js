// Autocomplete for the search boxes (templates/search/query_box.html). Progressive
// enhancement: without this file each box is a plain field of its GET form.
// The ARIA 1.2 combobox pattern: the focus stays in the field, the arrow keys move
// aria-activedescendant through the listbox, Enter opens the chosen suggestion,
// Escape closes the list (a second Escape empties the field).
(function () {
  "use strict";

  var DELAY = 200;
  var MIN_CHARACTERS = 2;

  function sameOrigin(url) {
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch (error) {
      return false;
    }
  }

  function setUp(input) {
    var listbox = document.getElementById(input.dataset.autocompleteList);
    var status = document.getElementById(input.dataset.autocompleteStatus);
    if (!listbox || !window.fetch) {
      return;
    }
    var timer = null;
    var controller = null;
    var suggestions = [];
    var active = -1;
    var shownFor = null;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("aria-expanded", "false");

    function announce(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (suggestions.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function select(index) {
      var options = listbox.querySelectorAll("[role=option]");
      options.forEach(function (option, position) {
        option.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    // The typed part of the label in bold, built from text nodes only.
    function labelNodes(label, typed) {
      var fragment = document.createDocumentFragment();
      var at = label.toLowerCase().indexOf(typed.toLowerCase());
      if (!typed || at < 0) {
        fragment.appendChild(document.createTextNode(label));
        return fragment;
      }
      var strong = document.createElement("strong");
      strong.textContent = label.slice(at, at + typed.length);
      fragment.appendChild(document.createTextNode(label.slice(0, at)));
      fragment.appendChild(strong);
      fragment.appendChild(document.createTextNode(label.slice(at + typed.length)));
      return fragment;
    }

    function render(answer) {
      suggestions = answer.suggestions || [];
      shownFor = input.value;
      listbox.textContent = "";
      suggestions.forEach(function (suggestion, index) {
        var option = document.createElement("li");
        option.id = listbox.id + "-" + index;
        option.className = "combobox__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var label = document.createElement("span");
        label.className = "combobox__label";
        label.appendChild(labelNodes(suggestion.label, answer.query || ""));
        option.appendChild(label);
        if (suggestion.kind_label) {
          var kind = document.createElement("span");
          kind.className = "combobox__kind";
          kind.textContent = suggestion.kind_label;
          option.appendChild(kind);
        }
        // mousedown would move the focus out of the field before the click.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          choose(index);
        });
        listbox.appendChild(option);
      });
      active = -1;
      if (suggestions.length) {
        open();
      } else {
        close();
      }
      announce(answer.status || "");
    }

    function choose(index) {
      var suggestion = suggestions[index];
      if (!suggestion) {
        return;
      }
      close();
      if (suggestion.url && sameOrigin(suggestion.url)) {
        window.location.assign(suggestion.url);
        return;
      }
      input.value = suggestion.label;
      if (input.form) {
        input.form.submit();
      }
    }

    function fetchSuggestions() {
      var typed = input.value.trim();
      if (typed.length < MIN_CHARACTERS) {
        suggestions = [];
        listbox.textContent = "";
        shownFor = null;
        close();
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = window.AbortController ? new window.AbortController() : null;
      var url = new URL(input.dataset.autocomplete, window.location.href);
      url.searchParams.set("q", typed);
      window
        .fetch(url.toString(), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
          signal: controller ? controller.signal : undefined,
        })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (answer) {
          // Only the answer to what the field still holds, and only while it has the focus.
          if (input.value.trim() === typed && document.activeElement === input) {
            render(answer);
          }
        })
        .catch(function () {
          close();
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var isOpen = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          if (!suggestions.length || shownFor !== input.value) {
            return;
          }
          event.preventDefault();
          if (!isOpen) {
            open();
            select(event.altKey ? -1 : 0);
          } else if (!event.altKey) {
            select(active + 1 < suggestions.length ? active + 1 : 0);
          }
          break;
        case "ArrowUp":
          if (!isOpen) {
            return;
          }
          event.preventDefault();
          select(active > 0 ? active - 1 : suggestions.length - 1);
          break;
        case "Enter":
          if (isOpen && active >= 0) {
            event.preventDefault();
            choose(active);
          }
          break;
        case "Escape":
          if (isOpen) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            suggestions = [];
            listbox.textContent = "";
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () {
      close();
    });

    // Coming back through the browser history shows the field without a stale list.
    window.addEventListener("pageshow", close);
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(setUp);
})();
