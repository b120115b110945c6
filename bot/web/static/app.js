// The little the pages need from JavaScript; every page works without it.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // Ask before forms that remove something (data-confirm holds the Thai question).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  // Copy an invite code to the clipboard.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      if (navigator.clipboard) {
        navigator.clipboard.writeText(text).then(function () {
          button.textContent = "คัดลอกแล้ว";
        });
      }
    });
  });

  // The progress page refreshes itself while it is on screen, so a desk screen stays current.
  var seconds = parseInt(document.body.getAttribute("data-refresh") || "0", 10);
  if (seconds > 0) {
    window.setInterval(function () {
      if (document.visibilityState === "visible") window.location.reload();
    }, seconds * 1000);
  }
});
