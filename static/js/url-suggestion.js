// The composer's add form fills itself from the URL's page, when the editor says so. Pasting a
// URL into the field (or leaving the field changed) asks the server what the page says: its
// title and description arrive in the panel under the field (templates/editorial/
// _url_suggestion.html), with "Use title and summary" (or Alt+Enter anywhere in the form).
//
// The rule of filling: nothing is filled until the editor accepts, and accepting fills a field
// only when it is empty or still holds exactly what an earlier acceptance put there (the
// editor has not changed it since). Anything the editor typed, before the page answered or
// after, stays as typed. A field filled this way remembers the value it was given
// (data-filled-from-page), which is how "not changed since" is told from "typed".
//
// One request in flight per form (data-hx-sync="this:replace" on the panel): a new address replaces
// the question about the last one. Without JavaScript the panel stays empty and the form adds
// as ever. No inline handlers (CSP).

var PANEL = "[data-url-suggestion]";
var FILLED = "data-filled-from-page";
var PASTE_WAIT = 250; // ms: the pasted text is in the field by then, and a second paste wins

var timers = new WeakMap();

function panelFor(field) {
  if (!field || !field.id || !field.matches || !field.matches("input")) return null;
  return document.querySelector('[data-url-suggestion="' + CSS.escape(field.id) + '"]');
}

function isWebAddress(value) {
  try {
    var url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && !!url.hostname;
  } catch (error) {
    return false;
  }
}

// The panel forgets its page: what it shows, and the question still on its way.
function forget(panel) {
  panel.removeAttribute("data-asked");
  if (window.htmx) window.htmx.trigger(panel, "htmx:abort");
  panel.textContent = "";
}

// `again`: ask even when this address was asked already (a paste is a request to read it;
// leaving the field after the paste is not).
function ask(field, again) {
  var panel = panelFor(field);
  if (!panel || !window.htmx) return;
  var url = field.value.trim();
  if (!isWebAddress(url)) {
    forget(panel);
    return;
  }
  if (!again && panel.getAttribute("data-asked") === url) return;
  panel.setAttribute("data-asked", url);
  window.htmx.trigger(panel, "url-suggest");
}

function askSoon(field, again, wait) {
  window.clearTimeout(timers.get(field));
  timers.set(field, window.setTimeout(function () { ask(field, again); }, wait));
}

document.addEventListener("paste", function (event) {
  if (panelFor(event.target)) askSoon(event.target, true, PASTE_WAIT);
});

document.addEventListener("change", function (event) {
  if (panelFor(event.target)) askSoon(event.target, false, 0);
});

// The address changed from the one asked about: what the panel offers is another page's.
document.addEventListener("input", function (event) {
  var panel = panelFor(event.target);
  if (!panel || !panel.hasAttribute("data-asked")) return;
  if (panel.getAttribute("data-asked") !== event.target.value.trim()) forget(panel);
});

document.addEventListener("htmx:beforeRequest", function (event) {
  var panel = event.detail.elt;
  if (!panel.matches || !panel.matches(PANEL)) return;
  var reading = document.createElement("p");
  reading.className = "url-suggestion__reading muted";
  reading.textContent = panel.getAttribute("data-reading") || "";
  panel.replaceChildren(reading);
});

// A question that got no answer (aborted for a newer one, or the server out of reach) leaves
// nothing behind; the next paste asks again.
document.addEventListener("htmx:afterRequest", function (event) {
  var panel = event.detail.elt;
  if (!panel.matches || !panel.matches(PANEL) || event.detail.successful) return;
  if (panel.querySelector(".url-suggestion__reading")) panel.textContent = "";
});

// --- accepting ----------------------------------------------------------------------------

function mayFill(field) {
  return field.value.trim() === "" || field.value === field.getAttribute(FILLED);
}

function accept(offer) {
  var form = offer.closest("form");
  if (!form) return;
  var filled = [];
  offer.querySelectorAll("[data-page-value]").forEach(function (value) {
    var field = form.elements.namedItem(value.getAttribute("data-field"));
    if (!field || !("value" in field) || !mayFill(field)) return;
    field.value = value.textContent;
    field.setAttribute(FILLED, field.value);
    // As if typed: the form counts as changed, and its unsent text is kept (drafts.js).
    field.dispatchEvent(new Event("input", { bubbles: true }));
    filled.push(field);
  });
  var hadFocus = offer.contains(document.activeElement);
  var done = document.createElement("p");
  done.className = "url-suggestion__done";
  done.textContent = offer.getAttribute(filled.length ? "data-filled-message" : "data-kept-message") || "";
  offer.replaceChildren(done);
  // The button pressed is gone: the focus goes to what it filled, else to the form's first field.
  if (hadFocus) {
    var next = filled[0] || form.querySelector("input:not([type=hidden]), textarea");
    if (next) next.focus();
  }
}

document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-use-page]");
  var offer = button && button.closest("[data-page-offer]");
  if (offer) accept(offer);
});

document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  var form = event.target.closest && event.target.closest("form");
  var button = form && form.querySelector("[data-page-offer] [data-use-page]");
  if (!button) return;
  event.preventDefault();
  accept(button.closest("[data-page-offer]"));
});
