// The composer's keyboard and pointer conveniences on top of htmx. Everything here is optional:
// every action is also a plain form that works without JavaScript. No inline handlers (CSP):
// this file listens to DOM and htmx events instead.

import { CARD, CARD_CONTROLS, COMPOSER, ENTRY_LIST, entryUrl } from "./lib/composer-dom.js";
import { showNotice } from "./lib/notice.js";
import { pageHeaders } from "./lib/page-headers.js";

// idiomorph's htmx extension (0.8.0, vendored as published) calls every swap style it does not
// know an inline swap (bigskysoftware/idiomorph#148: `config?.morphStyle == null` holds for
// "beforeend"), so with the extension active on the composer an out-of-band
// "beforeend:#composer-sections" inserted its wrapper, not the section in it. The extension is
// defined again here with that one answer corrected; its swaps are idiomorph's, unchanged. (A
// module runs before htmx sets the page up on DOMContentLoaded.)
if (window.htmx && window.Idiomorph) {
  var morphConfig = function (style) {
    if (style === "morph" || style === "morph:outerHTML") return { morphStyle: "outerHTML" };
    if (style === "morph:innerHTML") return { morphStyle: "innerHTML" };
    return null; // our templates use no other morph style (a "morph:{…}" would need eval)
  };
  window.htmx.defineExtension("morph", {
    isInlineSwap: function (style) {
      var config = morphConfig(style);
      return !!config && config.morphStyle === "outerHTML";
    },
    handleSwap: function (style, target, fragment) {
      var config = morphConfig(style);
      if (config) return window.Idiomorph.morph(target, fragment.children, config);
    }
  });
}

// A card's menu (its actions, review block and comments) and a section's forms to add
// entries are fetched when they first open, in place of the link they hold (where a page
// without JavaScript goes instead).
// A panel opened by the person (its summary has the focus) puts the focus in its first field:
// they opened it to write (add an entry, quick add, rename, reply, request changes).
document.addEventListener("toggle", function (event) {
  var details = event.target;
  if (!details.matches || !details.open) return;
  var opener = details.querySelector(":scope > summary");
  var byPerson = opener && document.activeElement === opener;
  var link = details.querySelector(":scope > [data-menu-link]");
  if (link && window.htmx) {
    var fetched = window.htmx.ajax("GET", link.getAttribute("href"), { source: details, target: link, swap: "outerHTML" });
    if (byPerson && fetched && fetched.then) fetched.then(function () { focusFirstField(details); });
  } else if (byPerson) {
    focusFirstField(details);
  }
}, true);

function focusFirstField(panel) {
  if (!panel.open || panel.classList.contains("entry-menu")) return; // a menu: its summary keeps it
  var field = panel.querySelector("input:not([type=hidden]):not([disabled]), textarea, select");
  if (field) field.focus();
}

function composerRoot() {
  return document.querySelector(COMPOSER);
}

function message(name, fallback) {
  var root = composerRoot();
  return (root && root.getAttribute("data-" + name)) || fallback;
}

// --- focus after a swap: the server marks the element to focus with data-focus -------------

function focusMarked() {
  var marked = document.querySelectorAll("[data-focus]");
  if (!marked.length) return;
  var element = marked[0];
  marked.forEach(function (node) { node.removeAttribute("data-focus"); });
  var details = element.closest("details");
  // A field inside a closed panel opens it; a panel's own summary is left as it is.
  if (details && !details.open && element.tagName !== "SUMMARY") details.open = true;
  element.focus({ preventScroll: false });
  if (element.scrollIntoView && !isInView(element)) element.scrollIntoView({ block: "center" });
}

function isInView(element) {
  var rect = element.getBoundingClientRect();
  return rect.top >= 0 && rect.bottom <= (window.innerHeight || document.documentElement.clientHeight);
}

function focusFirstInvalid(root) {
  if (!root || !root.querySelector) return false;
  var invalid = root.querySelector("[aria-invalid=true]");
  if (invalid) { invalid.focus(); return true; }
  return false;
}

// --- a suggested value (the new issue's number, which follows the year) never replaces what
// the editor typed, whichever field was typed first and however late the suggestion answers.
// Typed means: changed by the editor since the page (or fragment) was drawn.

document.addEventListener("input", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-suggested]")) field.setAttribute("data-typed", "");
});

function typedSuggestedField(target) {
  if (!target || !target.querySelectorAll) return null;
  var fields = Array.prototype.slice.call(target.querySelectorAll("[data-suggested]"));
  if (target.matches("[data-suggested]")) fields.push(target);
  return fields.filter(function (field) {
    return field.value !== "" && (field.hasAttribute("data-typed") || field.value !== field.defaultValue);
  })[0] || null;
}

// The field names (data-suggested="#id") the element that shows the suggestion in words:
// only that one is updated once the editor has typed a value of their own.
document.addEventListener("htmx:beforeSwap", function (event) {
  var detail = event.detail;
  var config = detail.requestConfig;
  if (!config || String(config.verb).toLowerCase() !== "get") return;
  var field = typedSuggestedField(detail.target);
  if (!field) return;
  var words = document.querySelector(field.getAttribute("data-suggested"));
  if (words) {
    detail.target = words;
    detail.selectOverride = "#" + words.id;
    detail.swapOverride = "outerHTML";
  } else {
    detail.shouldSwap = false;
  }
});

// --- the page and its changes: one request at a time, the live poll never over them -------
// Every request of the composer waits its turn (hx-sync="this:queue all" on the composer, in
// composer.html), and the live poll (hx-sync ":drop") does not leave while another one runs.
// So an answer is always applied to the page its request left from, and a poll answer never
// crosses the editor's own change (it would hide the change, show an added card twice, or
// take away the element an answer is for, which htmx then reports as "oobErrorNoTarget").
// An action pressed while a poll runs leaves when the poll's answer is in: the poll asks
// "anything new since version N?", mostly answered "no" (204) at once.
//
// The page says which version of the issue it shows (#composer-version, sent as
// X-Composer-Version); the answer to its own change says the version it brings the page to
// when nobody else changed the issue meanwhile (views/htmx.py own_version), so the next poll
// has nothing to fetch (and the preview is not fetched twice).

function shownVersion() {
  var field = document.getElementById("composer-version");
  return field ? field.value : "";
}

document.addEventListener("htmx:configRequest", function (event) {
  var elt = event.detail.elt;
  if (!elt || !elt.closest || !elt.closest(COMPOSER)) return;
  var version = shownVersion();
  if (version) event.detail.headers["X-Composer-Version"] = version;
});

// beforeOnLoad comes before the answer is swapped and before the next request of the queue
// (maybe the poll) leaves with the version.
document.addEventListener("htmx:beforeOnLoad", function (event) {
  var xhr = event.detail.xhr;
  var version = xhr && xhr.getResponseHeader("X-Composer-Version");
  var field = document.getElementById("composer-version");
  if (version && field && Number(version) > Number(field.value)) field.value = version;
});

// An out-of-band part whose place is gone from the page (say, a colleague removed its section
// and the poll has not brought that yet) is left out, and the sections are drawn afresh
// instead: htmx would only report an error and leave the page behind the server.
document.addEventListener("htmx:beforeSwap", function (event) {
  var detail = event.detail;
  var html = detail.serverResponse;
  if (typeof html !== "string" || html.indexOf("hx-swap-oob") === -1) return;
  if (!document.getElementById("composer-sections")) return;
  var template = document.createElement("template");
  template.innerHTML = html;
  var missing = false;
  template.content.querySelectorAll("[data-hx-swap-oob], [hx-swap-oob]").forEach(function (part) {
    var spec = part.getAttribute("data-hx-swap-oob") || part.getAttribute("hx-swap-oob") || "";
    var colon = spec.indexOf(":");
    var selector = colon > -1 ? spec.slice(colon + 1) : part.id && "#" + part.id;
    if (selector && !document.querySelector(selector)) {
      part.remove();
      missing = true;
    }
  });
  if (missing) {
    detail.serverResponse = template.innerHTML;
    refreshSections(); // queued: it leaves once this answer is in
  }
});

// --- htmx: keep panels open across swaps, report failures (refusals are swapped like any
// answer: htmx's responseHandling in _base.html) --------------------------------------------

var openDetails = [];

document.addEventListener("htmx:beforeSwap", function (event) {
  var detail = event.detail;
  var target = detail.target;
  if (target && target.querySelectorAll) {
    // htmx copies the old attributes of same-id elements onto the new ones while settling;
    // a style attribute left by some script would then break the CSP (style-src 'self').
    target.removeAttribute("style");
    target.querySelectorAll("[style]").forEach(function (node) { node.removeAttribute("style"); });
  }
  if (target && target.id === "presence" && detail.serverResponse.trim() === target.innerHTML.trim()) {
    detail.shouldSwap = false; // nothing new: do not make screen readers repeat it
  }
  if (target && (target.id === "composer-sections" || target.matches(".composer-section"))) {
    openDetails = Array.prototype.map.call(
      target.querySelectorAll(".composer-section__add[open], .composer-section__quick[open]"),
      function (node) { return node.id; }
    );
  }
});

document.addEventListener("htmx:afterSwap", function (event) {
  openDetails.forEach(function (id) {
    var node = document.getElementById(id);
    if (node) node.open = true;
  });
  openDetails = [];
  var target = event.detail.target;
  if (target && target.id === "history-drawer") openDrawer(target);
});

document.addEventListener("htmx:afterSettle", function (event) {
  if (document.querySelector("[data-focus]")) {
    focusMarked();
  } else {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 422) focusFirstInvalid(event.detail.target);
  }
  initNotice();
});

document.addEventListener("htmx:afterRequest", function (event) {
  var config = event.detail.requestConfig;
  var dragged = config && config.headers && config.headers["X-Composer-Drag"];
  var status = event.detail.xhr ? event.detail.xhr.status : 0;
  // A refused drag leaves the list in the dragged order: read it back from the server.
  if (dragged && (!event.detail.successful || status >= 400)) refreshSections();
});

document.addEventListener("htmx:responseError", function () {
  showNotice(message("error-message", "Something went wrong: nothing was changed. Reload the page and try again."));
});

document.addEventListener("htmx:sendError", function () {
  showNotice(message("offline-message", "The server could not be reached: nothing was changed."));
});

// Notices can be dismissed (notices.js; the button only makes sense with JavaScript, so it
// starts hidden); plain reports of what happened go away by themselves, an undo offer stays.
var noticeTimer = null;

function initNotice() {
  var notice = document.getElementById("composer-notice");
  if (!notice) return;
  notice.querySelectorAll("[data-notice-close]").forEach(function (button) { button.hidden = false; });
  window.clearTimeout(noticeTimer);
  if (notice.querySelector(".composer-notice") && !notice.querySelector("[data-undo], [role=alert]")) {
    noticeTimer = window.setTimeout(function () { notice.textContent = ""; }, 8000);
  }
}

// --- reload the sections list when someone else's action changed the issue --------------

// The list is merged (morph), like the live poll's: open forms, menus and typed text stay.
function refreshSections() {
  var list = document.getElementById("composer-sections");
  if (list && window.htmx) window.htmx.trigger(list, "refresh-sections");
}

document.addEventListener("issue-changed", function (event) {
  var detail = event.detail || {};
  // Our own answers carry the new fragment; a live update has just merged the list.
  if (detail.source === "composer" || detail.source === "live") return;
  // A review block (approve, request changes, comment) replaces itself: reloading the whole
  // list as well would only race with the editor's next click.
  if (event.target.closest && event.target.closest(".entry-review")) return;
  refreshSections();
});

// Where the server says a moved section now is (its ↑ and ↓ buttons, or a removal undone):
// the answer carries no sections list, so the page puts the section there itself, the focus
// staying on the button used (or on a restored section's title).
document.addEventListener("section-moved", function (event) {
  var detail = event.detail || {};
  var section = document.getElementById("section-" + detail.section);
  if (!section || !section.parentElement) return;
  var list = section.parentElement;
  var others = Array.prototype.filter.call(list.children, function (node) {
    return node !== section && node.matches("section.composer-section[data-section]");
  });
  var before = others.length
    ? others[detail.position - 1] || others[others.length - 1].nextElementSibling
    : list.querySelector(".composer-section--new"); // a restored section, the only one
  var focused = section.contains(document.activeElement) ? document.activeElement : null;
  if (section.nextElementSibling !== before) list.insertBefore(section, before);
  var empty = list.querySelector(".composer__empty");
  if (empty) empty.remove();
  var button = detail.focus && section.querySelector("button[name=direction][value='" + detail.focus + "']");
  var title = detail.focus === "title" && section.querySelector(".composer-section__title");
  if (title) title.setAttribute("tabindex", "-1");
  var target = button || title || focused;
  if (target) {
    target.focus({ preventScroll: true });
    if (target.scrollIntoView && !isInView(target)) target.scrollIntoView({ block: "center" });
  }
});

// Keep a card's colour in step with the status its review block shows after a swap.
function syncEntryStatus(root) {
  if (!root.querySelectorAll) return;
  var blocks = Array.prototype.slice.call(root.querySelectorAll(".entry-review"));
  if (root.matches && root.matches(".entry-review")) blocks.push(root);
  blocks.forEach(function (block) {
    var card = block.closest(".composer-entry");
    var badge = block.querySelector("[class*='review-status--']");
    if (!card || !badge) return;
    var status = (badge.className.match(/review-status--([a-z_]+)/) || [])[1];
    if (!status) return;
    card.className = card.className.replace(/composer-entry--(draft|submitted|changes_requested|approved)/, "composer-entry--" + status);
    var head = card.querySelector(":scope > header .review-status");
    if (head && head !== badge) {
      head.className = badge.className;
      head.lastChild.textContent = badge.textContent;
    }
  });
}

document.addEventListener("input", function (event) {
  var form = event.target.form;
  if (form && form.closest("#composer-sections, .entry-review")) form.setAttribute("data-dirty", "");
});

// --- entries: click a card to edit it, Ctrl/Cmd+Enter saves, Escape cancels --------------

document.addEventListener("click", function (event) {
  var card = event.target.closest(ENTRY_LIST + " > " + CARD);
  if (!card || event.target.closest(CARD_CONTROLS)) return;
  var selection = window.getSelection ? String(window.getSelection()) : "";
  if (selection) return; // selecting text to copy is not a request to edit
  // The form is fetched when editing starts: cards carry no forms.
  var item = card;
  if (window.htmx) {
    window.htmx.ajax("GET", entryUrl(item, "edit/"), { source: item, target: item, swap: "outerHTML" });
  }
});

document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (!target.closest) return;
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    var form = target.closest("[data-entry-form]");
    if (form) {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }
    return;
  }
  if (event.key !== "Escape") return;
  var editing = target.closest(".composer-entry--editing, .composer-entry--conflict");
  if (editing) {
    var cancel = editing.querySelector("[data-cancel]");
    var dirty = editing.querySelector("form[data-dirty]");
    if (cancel && (!dirty || window.confirm(message("discard-message", "Discard your changes?")))) {
      event.preventDefault();
      cancel.click();
    }
    return;
  }
  // An open panel (add an entry, quick add, paste a draft, rename, reply) closes, asking first
  // when it holds typed text; the focus goes back to what opened it.
  var panel = target.closest(
    ".composer-section__add[open], .composer-section__quick[open], .composer__paste[open], " +
    ".composer-section__rename[open], .entry-review__details[open]"
  );
  if (panel) {
    var typed = panel.querySelector("form[data-dirty]");
    if (typed && !window.confirm(message("discard-typed-message", "Discard what you typed here?"))) return;
    event.preventDefault();
    if (typed) {
      typed.reset();
      typed.removeAttribute("data-dirty");
    }
    panel.open = false;
    var summary = panel.querySelector(":scope > summary");
    if (summary) summary.focus();
    return;
  }
  var slot = target.closest(".composer-entry__confirm, .composer-section__confirm");
  if (slot && slot.closest(COMPOSER + ":not(.composer--single)")) {
    event.preventDefault();
    dismiss(slot);
    return;
  }
  var drawer = target.closest("#history-drawer");
  if (drawer) { event.preventDefault(); closeDrawer(drawer); }
});

// --- confirmations shown in place: Cancel removes them and returns focus ----------------

function dismiss(slot) {
  var owner = slot.closest("li.composer-entry, .composer-section__header");
  slot.textContent = "";
  var button = owner && owner.querySelector("[data-delete-button], .composer-section__tools .button--danger");
  if (button) button.focus();
}

document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-dismiss]");
  if (!link) return;
  var slot = document.querySelector(link.getAttribute("data-dismiss"));
  // On the confirmation page (no JavaScript needed) the link goes back to the composer.
  if (!slot || slot.closest(".composer--single")) return;
  event.preventDefault();
  dismiss(slot);
});

// --- history drawer ------------------------------------------------------------------

function openDrawer(drawer) {
  if (!drawer.children.length) return;
  drawer.classList.add("history-drawer--open");
  var section = drawer.querySelector("#history");
  if (section) section.focus();
}

function closeDrawer(drawer) {
  drawer.textContent = "";
  drawer.classList.remove("history-drawer--open");
  var opener = document.querySelector("[data-opens-drawer]");
  if (opener) opener.focus();
}

document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-drawer-close]");
  if (!button) return;
  var drawer = button.closest("#history-drawer");
  if (drawer) closeDrawer(drawer);
});

// --- live updates: a colleague's changes are merged into the page (idiomorph) every few
// seconds, keeping the editor's focus, what they typed, an open form, menu or confirmation.

var KEEP = ".composer-entry--editing, .composer-entry--conflict, form[data-dirty], details[open]," +
  " .composer-entry__confirm:not(:empty), .composer-section__confirm:not(:empty)";

function configureMorph() {
  if (!window.Idiomorph) return;
  var defaults = window.Idiomorph.defaults;
  defaults.ignoreActiveValue = true;
  defaults.callbacks.beforeNodeMorphed = function (oldNode) {
    return !(oldNode.nodeType === 1 && oldNode.matches(KEEP));
  };
  defaults.callbacks.beforeNodeRemoved = function (node) {
    // An entry being edited stays even if a colleague deleted it: saving then says so.
    return !(node.nodeType === 1 && node.matches(".composer-entry--editing, .composer-entry--conflict"));
  };
  defaults.callbacks.beforeAttributeUpdated = function (name, node) {
    return !(name === "open" && node.tagName === "DETAILS");
  };
}

// Not while a card is held: the list must not change under the pointer. A poll does not
// leave then, and the answer of one that left before the card was picked up is not merged
// (it would move the held card back to where it was): the next poll brings it.
function cardHeld() {
  return !!document.querySelector(".sortable-fallback, .composer-entry--chosen");
}

document.addEventListener("htmx:beforeRequest", function (event) {
  if (event.detail.elt.id === "composer-live" && cardHeld()) event.preventDefault();
});

document.addEventListener("htmx:beforeSwap", function (event) {
  var asker = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (asker && asker.id === "composer-live" && cardHeld()) event.detail.shouldSwap = false;
});

// Back to a tab left in the background: ask at once what colleagues changed meanwhile.
document.addEventListener("visibilitychange", function () {
  if (document.visibilityState === "visible") document.body.dispatchEvent(new Event("composer-poll"));
});

// A closing tab says so at once, so colleagues stop seeing this editor.
window.addEventListener("pagehide", function () {
  var presence = document.getElementById("presence");
  var url = presence && presence.getAttribute("data-leave-url");
  if (!url || !navigator.sendBeacon) return;
  var headers = pageHeaders();
  var body = new FormData();
  body.append("csrfmiddlewaretoken", headers["X-CSRFToken"] || "");
  navigator.sendBeacon(url, body);
});

function onReady() {
  configureMorph();
  initNotice();
  focusMarked();
  if (window.htmx) window.htmx.onLoad(syncEntryStatus);
}

// A module runs once the document is parsed (modules are deferred): no need to wait for it.
onReady();
