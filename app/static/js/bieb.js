// Page forms marked data-enhance are sent with fetch, so a lost network keeps
// the page (and what was typed) and says so in Dutch, instead of a browser error.
// Without JavaScript the same forms post as usual.
(function () {
  "use strict";

  function showStatus(form, text) {
    var status = form.querySelector(".form-status");
    if (!status) return;
    status.textContent = text;
    status.hidden = false;
    status.setAttribute("tabindex", "-1");
    status.focus();
  }

  function replacePage(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.title = doc.title;
    document.body.replaceWith(doc.body);
    var target = document.querySelector(
      "[autofocus], .field-error input, .field-error textarea, .notice-ok, #main");
    if (target) target.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-enhance") || !window.fetch) return;
    event.preventDefault();
    var button = event.submitter || form.querySelector("[type=submit]");
    var data = new FormData(form);
    if (button && button.name) data.append(button.name, button.value);
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        if (response.redirected) {
          var to = new URL(response.url);
          // Another page (pairing leads to /tablet, /ido): load it with its scripts.
          if (to.pathname !== window.location.pathname) {
            window.location.assign(response.url);
            return null;
          }
          // The same page after a save: show the answer already fetched (its
          // one-time notice included) rather than asking again.
          window.history.replaceState(null, "", response.url);
        }
        return response.text().then(replacePage);
      })
      .catch(function () {
        if (button) button.disabled = false;
        showStatus(form, document.body.getAttribute("data-offline"));
      });
  });
})();
