// Reordering entries by drag and drop (native HTML5 drag and drop, so a mouse and
// Playwright's drag_to both work). A card dropped on another takes its place, in the same
// section or another one; over a section but not over a card, it goes to the end. The drop is
// the same plain POST to entry_move as the keyboard buttons, which work without JavaScript.
(function () {
  "use strict";
  if (window.digestComposerDragLoaded) return;
  window.digestComposerDragLoaded = true;

  var drag = null; // {item, from, next}: the card being dragged and where it came from

  var DRAGGABLE = "[data-sortable] > li.composer-entry--editable";

  function initDraggables(root) {
    if (!root.querySelectorAll) return;
    var items = Array.prototype.slice.call(root.querySelectorAll(DRAGGABLE));
    if (root.matches && root.matches(DRAGGABLE)) items.push(root);
    items.forEach(function (item) { item.setAttribute("draggable", "true"); });
  }

  function sortableListAt(target) {
    var section = target.closest && target.closest(".composer-section");
    return section ? section.querySelector("[data-sortable]") : null;
  }

  function placeDragged(event, list) {
    var over = event.target.closest("[data-sortable] > li.composer-entry");
    if (over && over !== drag.item && over.parentElement === list) {
      var rect = over.getBoundingClientRect();
      var ratio = (event.clientY - rect.top) / (rect.height || 1);
      var before;
      if (ratio < 0.4) before = true;
      else if (ratio > 0.6) before = false;
      else {
        // Over the middle: take the card's place, whichever way the dragged card comes from.
        var comesFromAbove = drag.item.parentElement === list &&
          (over.compareDocumentPosition(drag.item) & Node.DOCUMENT_POSITION_PRECEDING);
        before = !comesFromAbove;
      }
      list.insertBefore(drag.item, before ? over : over.nextSibling);
    } else if (!over && drag.item.parentElement !== list) {
      list.appendChild(drag.item); // over another section, not over a card: to its end
    }
  }

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[data-sortable] > li[draggable=true]");
    if (!item || event.target !== item) return; // a link dragged out of a card stays a link
    drag = { item: item, from: item.parentElement, next: item.nextElementSibling };
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.id);
    window.setTimeout(function () { item.classList.add("composer-entry--ghost"); }, 0);
  });

  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (!drag) return;
      var list = sortableListAt(event.target);
      if (!list) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      if (type === "dragover") placeDragged(event, list);
    });
  });

  document.addEventListener("drop", function (event) {
    if (!drag || !sortableListAt(event.target)) return;
    event.preventDefault();
    var item = drag.item;
    var list = item.parentElement;
    var moved = list !== drag.from || item.nextElementSibling !== drag.next;
    var position = Array.prototype.filter.call(list.children, function (node) {
      return node.matches("li.composer-entry");
    }).indexOf(item) + 1;
    drag = null;
    item.classList.remove("composer-entry--ghost");
    if (!moved) return;
    window.htmx.ajax("POST", item.getAttribute("data-move-url"), {
      source: item,
      target: "#composer-sections",
      swap: "outerHTML",
      headers: { "X-Composer-Drag": "1" },
      values: { section: list.getAttribute("data-section"), position: String(position) }
    });
  });

  document.addEventListener("dragend", function () {
    if (!drag) return;
    // Dropped outside the sections (or cancelled with Escape): put the card back.
    drag.from.insertBefore(drag.item, drag.next);
    drag.item.classList.remove("composer-entry--ghost");
    drag = null;
  });

  function onReady() {
    initDraggables(document);
    if (window.htmx) window.htmx.onLoad(initDraggables);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onReady);
  } else {
    onReady();
  }
})();
