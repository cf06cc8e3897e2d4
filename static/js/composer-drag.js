// Moving entries: drag and drop with SortableJS (mouse, touch and pen alike, auto-scroll near
// the window's edges, across sections), and the place a move lands in.
//
// A drop is the same POST to entry_move as the keyboard's Up, Down and Move forms (which work
// without JavaScript). The server answers every move with what changed only: the notice, the
// sections' counts and the event "entry-moved" {entry, section, position, focus}; this file puts
// the card there (after a drag it already is) and renumbers the cards of the lists involved.

import { CARD, CARD_CONTROLS, ENTRY_LIST, cardsOf, entryUrl } from "./lib/composer-dom.js";

function renumber(list) {
  if (!list) return;
  var cards = cardsOf(list);
  cards.forEach(function (card, index) {
    var number = card.querySelector(".composer-entry__number");
    if (number) number.textContent = (index + 1) + ".";
    markEnds(card, index === 0, index === cards.length - 1);
  });
}

// The first card cannot go up, the last cannot go down: their buttons say so (disabled)
// rather than asking the server to answer "already there".
function markEnds(card, first, last) {
  var up = card.querySelector("[data-move=up]");
  var down = card.querySelector("[data-move=down]");
  if (up) up.disabled = first;
  if (down) down.disabled = last;
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

// The lists already made sortable: htmx.onLoad reports a list again when a fragment inside it
// (a card, its menu) is swapped, and a morph keeps the list element itself.
const sortableLists = new WeakSet();

function makeSortable(list) {
  if (sortableLists.has(list) || !window.Sortable) return;
  sortableLists.add(list);
  window.Sortable.create(list, {
    group: "entries",
    draggable: CARD,
    filter: CARD_CONTROLS, // pressing on a control starts no drag
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
      window.htmx.ajax("POST", entryUrl(card, "move/"), {
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
  var lists = Array.prototype.slice.call(root.querySelectorAll(ENTRY_LIST));
  if (root.matches && root.matches(ENTRY_LIST)) lists.push(root);
  lists.forEach(makeSortable);
  // A card's menu, fetched when it opens (or drawn open): its Up and Down as its place allows.
  var holder = root.closest && root.closest(ENTRY_LIST);
  if (holder && root.querySelector("[data-move]")) renumber(holder);
  if (root === document) lists.forEach(renumber);
}

// Where the server says a moved entry now is (a keyboard move, a drag, a colleague's move).
document.addEventListener("entry-moved", function (event) {
  var detail = event.detail || {};
  var card = document.getElementById("entry-" + detail.entry);
  var list = document.getElementById("entries-" + detail.section);
  if (!card || !list) return;
  // A card picked up again before the answer to its last move came is where the editor holds
  // it: putting it back would pull it from under the pointer. Its drop sends the next move.
  if (card.classList.contains("composer-entry--chosen")) return;
  var from = card.parentElement;
  var slot = card.querySelector(".composer-entry__confirm");
  if (slot && slot.querySelector(".move-form")) slot.textContent = ""; // the move form did its job
  placeCard(card, list, detail.position);
  renumber(list);
  if (from !== list) renumber(from);
  if (detail.focus) {
    // The button used keeps the focus, unless the card reached the end it was moving to.
    var button = card.querySelector("[data-move='" + detail.focus + "']:not(:disabled)") ||
      card.querySelector("[data-move]:not(:disabled)") || card.querySelector("[data-menu-button]");
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

// A module runs once the document is parsed (modules are deferred): no need to wait for it.
onReady();
