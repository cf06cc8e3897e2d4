// Review and publishing blocks: let htmx show the error fragments our views answer with
// (400/403/409 carrying the message in an aria-live region), and keep keyboard focus in
// the block that an htmx request replaced.
(function () {
  "use strict";
  if (window.digestReviewLoaded) return;
  window.digestReviewLoaded = true;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status >= 400 && xhr.getResponseHeader("X-Digest-Fragment") === "error") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.id) return;
    var block = document.getElementById(target.id);
    if (!block || !block.matches(".entry-review, .issue-actions")) return;
    var alert = block.querySelector("[role=alert] .message");
    var focusTarget = alert || block.querySelector(".entry-review__status, .issue-actions__status");
    if (focusTarget) {
      focusTarget.setAttribute("tabindex", "-1");
      focusTarget.focus({ preventScroll: false });
    }
  });
})();
