// Moving entries: drag and drop with SortableJS (mouse, touch and pen alike, auto-scroll near
// the window's edges, across sections), and the place a move lands in.
//
// A drop is the same POST to entry_move as the keyboard's Up, Down and Move forms (which work
// without JavaScript). The server answers every move with what changed only: the notice, the
// sections' counts and the event "entry-moved" {entry, section, position, focus}; this file puts
// the card there (after a drag it already is) and renumbers the cards of the lists involved.
(function () {
  "use strict";
  if (window.digestComposerDragLoaded) return;
  window.digestComposerDragLoaded = true;

  var LISTS = "[data-sortable]";
  // Pressing on these starts no drag: links, buttons, fields and the card's menu stay usable.
  var NOT_A_HANDLE = "a, button, input, textarea, select, summary, label, details, form, .entry-review";

  function cardsOf(list) {
    return Array.prototype.filter.call(list.children, function (node) {
      return node.matches("li.composer-entry");
    });
  }

  function renumber(list) {
    if (!list) return;
    cardsOf(list).forEach(function (card, index) {
      var number = card.querySelector(".composer-entry__number");
      if (number) number.textContent = (index + 1) + ".";
    });
  }

  function placeCard(card, list, position) {
    var cards = cardsOf(list).filter(function (other) { return other !== card; });
    var before = cards[position - 1] || null;
    if (card.parentElement === list && card.nextElementSibling === before) return false;
    var focused = document.activeElement && card.contains(document.activeElement) ? document.activeElement : null;
    list.insertBefore(card, before);
    if (focused) focused.focus({ preventScroll: true });
    return true;
  }

  function makeSortable(list) {
    if (list.digestSortable || !window.Sortable) return;
    list.digestSortable = window.Sortable.create(list, {
      group: "entries",
      draggable: "li.composer-entry",
      filter: NOT_A_HANDLE,
      preventOnFilter: false,
      // Pointer events rather than native drag and drop: the same on touch screens, and the
      // list scrolls while a card is held near the window's top or bottom edge.
      forceFallback: true,
      fallbackTolerance: 4,
      delayOnTouchOnly: true,
      delay: 150,
      animation: 120,
      scroll: true,
      bubbleScroll: true,
      scrollSensitivity: 80,
      scrollSpeed: 12,
      ghostClass: "composer-entry--ghost",
      chosenClass: "composer-entry--chosen",
      onEnd: function (event) {
        var from = event.from, to = event.to;
        if (from === to && event.oldIndex === event.newIndex) return;
        var card = event.item;
        renumber(from);
        if (to !== from) renumber(to);
        window.htmx.ajax("POST", window.digestEntryUrl(card, "move/"), {
          source: card,
          swap: "none",
          headers: { "X-Composer-Drag": "1" },
          values: {
            section: to.getAttribute("data-section"),
            position: String(cardsOf(to).indexOf(card) + 1)
          }
        });
      }
    });
  }

  function initLists(root) {
    if (!root.querySelectorAll) return;
    var lists = Array.prototype.slice.call(root.querySelectorAll(LISTS));
    if (root.matches && root.matches(LISTS)) lists.push(root);
    lists.forEach(makeSortable);
  }

  // Where the server says a moved entry now is (a keyboard move, a drag, a colleague's move).
  document.addEventListener("entry-moved", function (event) {
    var detail = event.detail || {};
    var card = document.getElementById("entry-" + detail.entry);
    var list = document.getElementById("entries-" + detail.section);
    if (!card || !list) return;
    var from = card.parentElement;
    var slot = card.querySelector(".composer-entry__confirm");
    if (slot && slot.querySelector(".move-form")) slot.textContent = ""; // the move form did its job
    placeCard(card, list, detail.position);
    renumber(list);
    if (from !== list) renumber(from);
    if (detail.focus) {
      var button = card.querySelector("[data-move='" + detail.focus + "']") || card.querySelector("[data-menu-button]");
      if (button) button.focus({ preventScroll: false });
    }
  });

  // After a deletion the answer removed the card: number the ones left.
  document.addEventListener("entry-removed", function (event) {
    renumber(document.getElementById("entries-" + (event.detail || {}).section));
  });

  function onReady() {
    initLists(document);
    if (window.htmx) window.htmx.onLoad(initLists);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onReady);
  } else {
    onReady();
  }
})();
