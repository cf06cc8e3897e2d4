// What the composer's scripts agree on about its page (templates/editorial/composer.html,
// section.html, entry.html), named once: composer.js and composer-drag.js both read cards,
// their lists and their URLs.

// The composer: every request of the page waits its turn in its hx-sync queue.
export const COMPOSER = "[data-composer]";

// A section's list of entries, which SortableJS makes draggable.
export const ENTRY_LIST = "[data-sortable]";

// An entry's card in such a list.
export const CARD = "li.composer-entry";

// Pressing or clicking on these inside a card is using them: it starts no drag and does not
// open the card for editing (links, buttons, fields and the card's menu stay usable).
export const CARD_CONTROLS =
  "a, button, input, textarea, select, summary, label, details, form, .entry-review";

// An entry's URLs: its list says where entries live (data-entry-base, for entry 0); cards carry
// only their id ("entry-<pk>"), so that hundreds of them stay small.
export function entryUrl(card, suffix = "") {
  const list = card.closest("[data-entry-base]");
  const pk = card.id.replace("entry-", "");
  return list.getAttribute("data-entry-base").replace(/\/0\/$/, `/${pk}/`) + suffix;
}

// The cards of one list, in their order on the page.
export function cardsOf(list) {
  return Array.from(list.children).filter((node) => node.matches(CARD));
}
