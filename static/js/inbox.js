// The inbox's conveniences on top of htmx and plain forms: drag a card onto a section (the
// card's own "Add to" form is then submitted, so drag and menu are one path), forms emptied
// after saving, and the save window's close button. Refusals (409, 422) are swapped in by the
// one htmx protocol (responseHandling in _base.html). No inline handlers (CSP).

var DRAG_TYPE = "application/x-digest-inbox-item";
var dragged = null;

// A saved link or paste: empty the form for the next one, keep the focus in it.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt;
  if (!event.detail.successful || !form.matches || !form.matches(".inbox-form")) return;
  form.reset();
  var first = form.querySelector("input:not([type=hidden]), textarea");
  if (first) first.focus();
});

// --- drag a card onto a section -------------------------------------------------------------

document.addEventListener("dragstart", function (event) {
  var card = event.target.closest && event.target.closest("[data-inbox-item][draggable=true]");
  if (!card) return;
  dragged = card;
  event.dataTransfer.effectAllowed = "copy";
  event.dataTransfer.setData(DRAG_TYPE, card.getAttribute("data-inbox-item"));
  card.classList.add("inbox-card--dragging");
});

document.addEventListener("dragend", function () {
  if (dragged) dragged.classList.remove("inbox-card--dragging");
  dragged = null;
  document.querySelectorAll(".inbox-target__section--over").forEach(function (node) {
    node.classList.remove("inbox-target__section--over");
  });
});

function dropTarget(event) {
  return event.target.closest && event.target.closest("[data-drop-section]");
}

document.addEventListener("dragover", function (event) {
  var target = dropTarget(event);
  if (!target || !dragged) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = "copy";
  target.classList.add("inbox-target__section--over");
});

document.addEventListener("dragleave", function (event) {
  var target = dropTarget(event);
  if (target) target.classList.remove("inbox-target__section--over");
});

document.addEventListener("drop", function (event) {
  var target = dropTarget(event);
  if (!target) return;
  event.preventDefault();
  target.classList.remove("inbox-target__section--over");
  var pk = event.dataTransfer.getData(DRAG_TYPE) || (dragged && dragged.getAttribute("data-inbox-item"));
  var card = pk && document.getElementById("inbox-item-" + pk);
  var form = card && card.querySelector("[data-add-form]");
  var select = form && form.querySelector("[data-add-section]");
  if (!select) return;
  select.value = target.getAttribute("data-drop-section");
  if (form.requestSubmit) form.requestSubmit(); else form.submit();
});

// --- the bookmarklet link and the save window -------------------------------------------------

document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-bookmarklet]");
  if (link) {
    // It is meant for the bookmarks bar; on our own page it would only be blocked by the CSP.
    event.preventDefault();
    link.classList.add("inbox__bookmarklet-link--hint");
    return;
  }
  if (event.target.closest && event.target.closest("[data-close-window]")) window.close();
});

function showCloseButtons() {
  document.querySelectorAll("[data-close-window]").forEach(function (button) {
    button.hidden = false;
    button.focus();
  });
}

// A module runs once the document is parsed (modules are deferred): no need to wait for it.
showCloseButtons();
