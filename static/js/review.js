// Review and publishing blocks: keep keyboard focus in the block that an htmx request replaced
// (refusals are swapped in like any answer: htmx's responseHandling, set in _base.html); on the
// review page, send nothing more once an answer has reloaded it.

// The review page sends its requests one at a time (hx-sync on #review). An answer that
// reloads it (the issue moved: publish, send back, approve all remaining) ends that line: a
// request queued behind it would race the reload's own reading of the issue, and its answer
// would be lost with the page. The reloaded page shows where things are.
var reloading = false;
function onReviewPage(event) {
  return event.target.closest && event.target.closest("#review");
}
document.addEventListener("htmx:beforeOnLoad", function (event) {
  if (onReviewPage(event) && event.detail.xhr.getResponseHeader("HX-Refresh") === "true") {
    reloading = true;
  }
});
document.addEventListener("htmx:beforeRequest", function (event) {
  if (reloading && onReviewPage(event)) event.preventDefault();
});

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
