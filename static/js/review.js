// Review and publishing blocks: keep keyboard focus in the block that an htmx request replaced
// (refusals are swapped in like any answer: htmx's responseHandling, set in _base.html).
(function () {
  "use strict";
  if (window.digestReviewLoaded) return;
  window.digestReviewLoaded = true;

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.id) return;
    var block = document.getElementById(target.id);
    if (!block || !block.matches(".entry-review, .issue-actions")) return;
    var alert = block.querySelector("[role=alert] .message");
    // A block fetched to request changes or to comment: straight to the field to write in.
    var field = !alert && block.querySelector("details[open] textarea");
    if (field) { field.focus({ preventScroll: false }); return; }
    var focusTarget = alert || block.querySelector(".entry-review__status, .issue-actions__status");
    if (focusTarget) {
      focusTarget.setAttribute("tabindex", "-1");
      focusTarget.focus({ preventScroll: false });
    }
  });
})();
