// Unsent text survives leaving the page (the design's "no lost work"). A form that carries
// data-draft="<object>:<kind>" (an entry's edit, a section's add form, a comment, ...) is
// watched: while it holds text the editor changed and has not sent, that text is kept in this
// browser's localStorage and leaving the page asks first (beforeunload). It is forgotten when
// the form's own request is answered 2xx, or when the editor discards it (Cancel, Escape
// confirmed, or Discard in the offer). When the editor comes back, the page's offer
// (templates/editorial/_drafts.html) lists what was kept for it, to reopen or discard.
//
// Nothing here changes how a form is sent: htmx sends it as before, and every page works
// without this file. No inline handlers or styles (CSP).

// One localStorage item per kept text:
//   digest-draft:<user>:<object>:<kind>[@<version>]:<instance>
// The user keeps colleagues on a shared browser apart; the version is the entry's version the
// edit started from, so a text typed over version 3 is never mistaken for one over version 4;
// the instance keeps two texts for the same form apart (one kept from an earlier visit, one
// typed now), so typing never overwrites a text that is still on offer.
var PREFIX = "digest-draft:";
var LIFETIME = 7 * 24 * 60 * 60 * 1000; // a kept text nobody came back for in a week goes
var MAX_KEPT = 50; // in all, for every user of this browser: the oldest go first
var FIELDS = "textarea, input:not([type]), input[type=text], input[type=url], input[type=search], input[type=email]";
var WAIT_FOR_FORM = 30 * 1000; // a Reopen whose form never came is not applied later

// Whose texts these are: the offer names the user (the page header too, on pages without it).
var userName = (function () {
  var offer = document.getElementById("drafts-offer");
  var header = document.querySelector(".site-header .user-name");
  return (offer && offer.getAttribute("data-user")) || (header ? header.textContent.trim() : "");
})();
var pending = null; // {record, since}: a Reopen waiting for its form to be fetched
var counter = 0;

// --- storage: every access may throw (storage disabled, quota), and nothing here may break
// the page: the text then stays in the form and leaving still asks first.

function store() {
  try { return window.localStorage; } catch (error) { return null; }
}

function readAll() {
  var storage = store();
  var records = [];
  if (!storage) return records;
  try {
    for (var index = 0; index < storage.length; index++) {
      var key = storage.key(index);
      if (!key || key.indexOf(PREFIX) !== 0) continue;
      var record = null;
      try { record = JSON.parse(storage.getItem(key)); } catch (error) { record = null; }
      if (!record || typeof record !== "object") record = { broken: true };
      record.key = key;
      records.push(record);
    }
  } catch (error) { return records; }
  return records;
}

function read(key) {
  var storage = store();
  if (!storage || !key) return null;
  try {
    var record = JSON.parse(storage.getItem(key));
    if (!record || !Array.isArray(record.fields)) return null;
    record.key = key;
    return record;
  } catch (error) { return null; }
}

function drop(key) {
  var storage = store();
  if (!storage || !key) return;
  try { storage.removeItem(key); } catch (error) { /* nothing to free */ }
}

function fresh(record, now) {
  return !record.broken && typeof record.at === "number" && record.at > now - LIFETIME &&
    record.at < now + LIFETIME && Array.isArray(record.fields);
}

// Expired, unreadable and surplus texts go (of every user: they are this browser's), so the
// items neither grow in number nor live for ever. `keep`: a key that must stay.
function prune(keep) {
  var now = Date.now();
  var live = [];
  readAll().forEach(function (record) {
    if (fresh(record, now)) live.push(record); else drop(record.key);
  });
  live.sort(function (a, b) { return b.at - a.at; });
  live.filter(function (record) { return record.key !== keep; })
    .slice(keep ? MAX_KEPT - 1 : MAX_KEPT)
    .forEach(function (record) { drop(record.key); });
}

function write(key, record) {
  var storage = store();
  if (!storage) return;
  var value = JSON.stringify(record);
  for (var attempt = 0; attempt < MAX_KEPT; attempt++) {
    try { storage.setItem(key, value); return; } catch (error) { /* full: free some room */ }
    var others = readAll().filter(function (other) { return other.key !== key; });
    if (!others.length) return;
    others.sort(function (a, b) { return (a.at || 0) - (b.at || 0); });
    drop(others[0].key);
  }
}

// --- a form's text -------------------------------------------------------------------------

function textFields(form) {
  return Array.prototype.filter.call(form.querySelectorAll(FIELDS), function (field) {
    return field.name && !field.disabled;
  });
}

function labelOf(field) {
  var label = field.labels && field.labels[0];
  return label ? label.textContent.replace(/\s+/g, " ").trim() : field.name;
}

function defaultsOf(form) {
  var values = {};
  textFields(form).forEach(function (field) { values[field.name] = field.defaultValue; });
  return values;
}

// What the form held before the editor changed it: its first drawing, or, for a form drawn
// again with the editor's text (a refusal) or filled from a kept text, what the first one held.
function baselineOf(form) {
  return form.digestDraftBaseline || defaultsOf(form);
}

function changed(form) {
  var baseline = baselineOf(form);
  return textFields(form).some(function (field) {
    return field.value !== (baseline[field.name] || "");
  });
}

function versionOf(form) {
  var input = form.querySelector("input[type=hidden][name$='version']");
  return input ? input.value : "";
}

function identityOf(form) {
  return form.getAttribute("data-draft") || "";
}

function newKey(form) {
  var version = versionOf(form);
  counter += 1;
  return PREFIX + encodeURIComponent(userName) + ":" + identityOf(form) +
    (version ? "@" + version : "") + ":" + Date.now().toString(36) + counter.toString(36);
}

function recordOf(form) {
  return {
    user: userName,
    draft: identityOf(form),
    version: versionOf(form),
    path: location.pathname,
    label: form.getAttribute("data-draft-label") || "",
    title: form.getAttribute("data-draft-title") || "",
    open: form.getAttribute("data-draft-open") || "",
    at: Date.now(),
    fields: textFields(form).map(function (field) {
      return { name: field.name, label: labelOf(field), value: field.value };
    })
  };
}

// The form holds the text of `key` now: marked so that leaving asks first, and dirty so that
// the composer's live merge keeps it as it is (composer.js KEEP).
function own(form, key, baseline) {
  form.setAttribute("data-draft-id", key);
  form.setAttribute("data-draft-kept", "");
  form.setAttribute("data-dirty", "");
  if (baseline) form.digestDraftBaseline = baseline;
}

function unmark(form) {
  form.removeAttribute("data-draft-id");
  form.removeAttribute("data-draft-kept");
}

function release(form) {
  unmark(form);
  form.digestDraftBaseline = null;
}

// Keep what the form holds now, or forget it when the editor took every change back.
function keep(form) {
  if (!userName || !form.isConnected) return;
  var key = form.getAttribute("data-draft-id");
  if (!changed(form)) {
    drop(key);
    unmark(form);
    return;
  }
  var created = !key;
  if (created) key = newKey(form);
  own(form, key);
  write(key, recordOf(form));
  if (created) prune(key);
}

function forget(form) {
  drop(form.getAttribute("data-draft-id"));
  release(form);
}

function formsWith(identity) {
  return Array.prototype.filter.call(document.querySelectorAll("form[data-draft]"), function (form) {
    return identityOf(form) === identity;
  });
}

document.addEventListener("input", function (event) {
  var form = event.target.form;
  if (form && form.matches("form[data-draft]")) keep(form);
});

// --- leaving asks first while a form holds unsent text -------------------------------------

window.addEventListener("beforeunload", function (event) {
  if (!document.querySelector("[data-draft-kept]")) return;
  event.preventDefault();
  event.returnValue = ""; // browsers show their own words; some still need a value
});

// --- the answer to a form's request ----------------------------------------------------------

function sentOk(xhr) {
  // A 2xx answer that sends the page elsewhere (the session ended: HX-Redirect to the login
  // page) saved nothing.
  return !!xhr && xhr.status >= 200 && xhr.status < 300 && !xhr.getResponseHeader("HX-Redirect");
}

// The keys a view shows beside or instead of a form: a conflict (409) shows the editor's text
// next to the saved one; the beside view shows a kept text next to a form.
function shownKeys(element) {
  return (element.getAttribute("data-draft-shown") || "").split(" ").filter(Boolean);
}

function showInstead(element, key) {
  var keys = shownKeys(element);
  if (keys.indexOf(key) < 0) keys.push(key);
  element.setAttribute("data-draft-shown", keys.join(" "));
  element.setAttribute("data-draft-kept", "");
}

// Use mine, Keep theirs or a merged save answered in a conflict: the texts it showed, and
// those typed in its merge form, are settled.
function resolve(element) {
  var scope = element.closest("[data-draft-shown]");
  if (!scope) return;
  shownKeys(scope).forEach(drop);
  scope.querySelectorAll("form[data-draft-id]").forEach(function (form) { drop(form.getAttribute("data-draft-id")); });
  scope.removeAttribute("data-draft-shown");
  scope.removeAttribute("data-draft-kept");
}

function requestEnded(form, detail) {
  var key = form.getAttribute("data-draft-id");
  if (sentOk(detail.xhr)) {
    if (form.hasAttribute("data-draft-resolves")) resolve(form);
    if (key) drop(key);
    if (form.isConnected) release(form); // a form that stays (the inbox's) starts afresh
    return;
  }
  if (!key) return;
  if (form.isConnected) {
    // Not sent (refused in the notice, unreachable server): still unsent, still kept, and
    // dirty again for the live merge (composer.js cleared it on submit).
    form.setAttribute("data-dirty", "");
    return;
  }
  // The answer drew the form again (422 with its errors): the new one holds the same text.
  var baseline = form.digestDraftBaseline || defaultsOf(form);
  var twin = formsWith(identityOf(form)).filter(function (other) {
    return !other.hasAttribute("data-draft-id") && versionOf(other) === versionOf(form);
  })[0];
  if (twin) {
    own(twin, key, baseline);
    var record = read(key);
    if (record) fill(twin, record);
    keep(twin);
    return;
  }
  // A conflict or a deleted entry (409) shows the text instead of the form: it stays kept
  // until the editor settles it there, and leaving still asks first. (Its card's classes
  // are those of the form it replaced until htmx settles it: its content tells.)
  var target = detail.target && detail.target.id && document.getElementById(detail.target.id);
  if (target && target.querySelector(":scope > .conflict")) showInstead(target, key);
}

document.addEventListener("htmx:afterRequest", function (event) {
  var detail = event.detail;
  var elt = detail.requestConfig ? detail.requestConfig.elt : detail.elt;
  if (!elt || !elt.matches) return;
  if (elt.matches("form[data-draft]")) {
    requestEnded(elt, detail);
  } else if (elt.matches("form[data-draft-resolves]")) {
    if (sentOk(detail.xhr)) resolve(elt);
  } else if (elt.matches("[data-cancel]")) {
    // Cancel (or Escape, confirmed) put the card back: the edit is discarded.
    var form = elt.closest("form[data-draft]");
    if (form && sentOk(detail.xhr)) forget(form);
  }
  render();
});

// "Add my text as a new entry" (after a deletion) is a plain post: the page goes.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches("form[data-draft-resolves]:not([data-hx-post]):not([data-hx-get])")) resolve(form);
});

// --- the offer -------------------------------------------------------------------------------

function region() {
  return document.getElementById("drafts-offer");
}

function text(name, values) {
  var node = region();
  var words = (node && node.getAttribute("data-" + name)) || "";
  Object.keys(values || {}).forEach(function (placeholder) {
    words = words.split("{" + placeholder + "}").join(values[placeholder]);
  });
  return words;
}

// A sentence with the typed title in it: the title as text, isolated (a direction mark typed
// in it cannot turn the sentence around).
function sentence(node, pattern, title) {
  node.textContent = "";
  var parts = pattern.split("{title}");
  parts.forEach(function (part, index) {
    if (index) {
      var isolated = document.createElement("bdi");
      isolated.textContent = title;
      node.appendChild(isolated);
    }
    node.appendChild(document.createTextNode(part));
  });
}

function listFields(list, fields, other) {
  list.textContent = "";
  fields.forEach(function (field) {
    var term = document.createElement("dt");
    term.textContent = field.label;
    var value = document.createElement("dd");
    value.textContent = field.value || "—";
    if (other && (other[field.name] || "") !== field.value) value.className = "conflict__differs";
    list.appendChild(term);
    list.appendChild(value);
  });
}

function when(at) {
  try {
    var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: "medium", timeStyle: "short" });
    return format.format(new Date(at));
  } catch (error) {
    return new Date(at).toISOString();
  }
}

function query(selector) {
  if (!selector) return null;
  try { return document.querySelector(selector); } catch (error) { return null; }
}

function opener(record) {
  return formsWith(record.draft)[0] || query(record.open);
}

// The kept texts of this user for this page that no form or view on it shows now.
function offered() {
  var here = {};
  document.querySelectorAll("[data-draft-id], [data-draft-shown]").forEach(function (node) {
    if (node.getAttribute("data-draft-id")) here[node.getAttribute("data-draft-id")] = true;
    shownKeys(node).forEach(function (key) { here[key] = true; });
  });
  var now = Date.now();
  return readAll().filter(function (record) {
    return fresh(record, now) && record.user === userName && record.path === location.pathname && !here[record.key];
  }).sort(function (a, b) { return a.at - b.at; });
}

function render() {
  var node = region();
  if (!node || !userName) return;
  var records = offered();
  var signature = records.map(function (record) { return record.key + (opener(record) ? "+" : "-"); }).join(" ");
  if (signature === node.digestSignature) return;
  node.digestSignature = signature;
  var list = node.querySelector("[data-drafts-list]");
  var intro = node.querySelector("[data-drafts-intro]");
  var template = node.querySelector("template[data-drafts-item]");
  list.textContent = "";
  records.forEach(function (record) {
    var item = template.content.firstElementChild.cloneNode(true);
    var label = item.querySelector("[data-slot=label]");
    counter += 1;
    label.id = "drafts-label-" + counter;
    sentence(label, record.label, record.title || "");
    item.querySelector("[data-slot=when]").textContent = text("kept", { time: when(record.at) });
    listFields(item.querySelector("[data-slot=fields]"), record.fields);
    var reopen = item.querySelector("[data-drafts-reopen]");
    var discard = item.querySelector("[data-drafts-discard]");
    reopen.setAttribute("data-key", record.key);
    discard.setAttribute("data-key", record.key);
    reopen.setAttribute("aria-describedby", label.id);
    discard.setAttribute("aria-describedby", label.id);
    if (!opener(record)) {
      // Its entry or section is gone, or the issue is published: the text can still be copied.
      reopen.hidden = true;
      item.querySelector("[data-slot=gone]").hidden = false;
      item.querySelector("[data-slot=text]").open = true;
    }
    list.appendChild(item);
  });
  var showing = records.length > 0;
  // Said once when the offer appears (an alert), not again for every change to the list.
  if (showing && node.hidden) intro.textContent = text("intro");
  if (!showing) intro.textContent = "";
  node.hidden = !showing;
}

// --- reopen, use, discard ----------------------------------------------------------------

function openAround(form) {
  for (var details = form.closest("details"); details; details = details.parentElement && details.parentElement.closest("details")) {
    details.open = true;
  }
}

function fill(form, record) {
  record.fields.forEach(function (field) {
    var input = form.elements.namedItem(field.name);
    if (!input || input.value === field.value) return;
    input.value = field.value;
    // As if typed: the composer marks the form dirty, the link is checked again, and the
    // text is kept under the form's key.
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

function fits(form, record) {
  return record.fields.every(function (field) { return !!form.elements.namedItem(field.name); });
}

function sameText(form, record) {
  return record.fields.every(function (field) {
    var input = form.elements.namedItem(field.name);
    return input && input.value === field.value;
  });
}

function focusFirst(form) {
  var field = textFields(form)[0];
  if (field) field.focus();
}

function apply(record, form) {
  var older = record.version && versionOf(form) && record.version !== versionOf(form);
  if (older || !fits(form, record) || (form.hasAttribute("data-draft-kept") && !sameText(form, record))) {
    beside(record, form, older);
    return;
  }
  var baseline = baselineOf(form);
  drop(form.getAttribute("data-draft-id")); // the same text, kept twice
  own(form, record.key, baseline);
  fill(form, record);
  keep(form);
  focusFirst(form);
  render();
}

// The kept text next to the form, never over it: the entry changed since (another version),
// or the form holds other text the editor typed. The editor copies what they want, or
// chooses "Use mine".
function beside(record, form, older) {
  var node = region();
  var template = node && node.querySelector("template[data-drafts-beside]");
  if (!template) return;
  var old = form.parentNode.querySelector(":scope > .drafts-beside");
  if (old) old.remove();
  var panel = template.content.firstElementChild.cloneNode(true);
  counter += 1;
  var title = panel.querySelector("[data-slot=title]");
  title.id = "drafts-beside-" + counter;
  panel.setAttribute("aria-labelledby", title.id);
  title.textContent = text(older ? "version-title" : "other-title");
  panel.querySelector("[data-slot=note]").textContent = older
    ? text("version-note", { old: record.version, new: versionOf(form) })
    : text("other-note");
  panel.querySelector("[data-slot=current-title]").textContent = older
    ? text("version-side", { version: versionOf(form) })
    : text("other-side");
  var current = {};
  var currentFields = textFields(form).map(function (field) {
    var value = older ? baselineOf(form)[field.name] || "" : field.value;
    current[field.name] = value;
    return { name: field.name, label: labelOf(field), value: value };
  });
  var mine = {};
  record.fields.forEach(function (field) { mine[field.name] = field.value; });
  listFields(panel.querySelector("[data-slot=current]"), currentFields, mine);
  listFields(panel.querySelector("[data-slot=kept]"), record.fields, current);
  panel.setAttribute("data-draft-shown", record.key);
  panel.digestDraftForm = form;
  form.parentNode.insertBefore(panel, form);
  // The panel is what the editor reads first, not the form's first field (composer.js
  // focuses a field the server marked with data-focus once the form has settled).
  form.querySelectorAll("[data-focus]").forEach(function (field) { field.removeAttribute("data-focus"); });
  title.focus();
  render();
}

function besidePanel(button) {
  return button.closest(".drafts-beside");
}

document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-drafts-reopen], [data-drafts-discard], [data-drafts-use], [data-drafts-drop]");
  if (!button) return;
  if (button.matches("[data-drafts-reopen]")) {
    reopen(button.getAttribute("data-key"));
  } else if (button.matches("[data-drafts-discard]")) {
    discard(button);
  } else {
    var panel = besidePanel(button);
    var form = panel && panel.digestDraftForm;
    var key = panel && panel.getAttribute("data-draft-shown");
    var record = key && read(key);
    if (panel) panel.remove();
    drop(key);
    if (form && form.isConnected) {
      if (record && button.matches("[data-drafts-use]")) {
        // The form keeps the version it carries: saving writes the editor's text over the
        // saved one, as they chose (the conflict view's "Use mine").
        fill(form, record);
        keep(form);
      }
      focusFirst(form);
    }
    render();
  }
});

function reopen(key) {
  var record = read(key);
  if (!record) { render(); return; }
  var form = formsWith(record.draft)[0];
  if (form) {
    openAround(form);
    apply(record, form);
    return;
  }
  var element = query(record.open);
  if (!element) { render(); return; }
  // The form is fetched when its panel opens or its card is clicked (composer.js, htmx):
  // it is filled once it is there (htmx:load below).
  pending = { record: record, since: Date.now() };
  if (element.tagName === "DETAILS") element.open = true; else element.click();
}

document.addEventListener("htmx:load", function () {
  if (!pending) return;
  if (Date.now() - pending.since > WAIT_FOR_FORM) { pending = null; return; }
  var form = formsWith(pending.record.draft)[0];
  if (!form) return;
  var record = read(pending.record.key) || pending.record;
  pending = null;
  openAround(form);
  apply(record, form);
});

function discard(button) {
  var item = button.closest("li");
  var index = item ? Array.prototype.indexOf.call(item.parentNode.children, item) : 0;
  drop(button.getAttribute("data-key"));
  render();
  // The keyboard stays in the offer while it lists more (on the item that took this one's
  // place), else goes back to the page.
  var node = region();
  var items = node && !node.hidden ? node.querySelectorAll("[data-drafts-list] > li") : [];
  var next = items[Math.min(index, items.length - 1)];
  var target = next ? next.querySelector("[data-drafts-reopen]:not([hidden]), [data-drafts-discard]") : null;
  if (!target) target = document.getElementById("main");
  if (target) target.focus({ preventScroll: true });
}

// --- when the page or a fragment shows --------------------------------------------------

document.addEventListener("htmx:afterSettle", render);
// Another tab of this browser kept or sent a text.
window.addEventListener("storage", function (event) {
  if (!event.key || event.key.indexOf(PREFIX) === 0) render();
});
// Back to a page kept in the browser's memory (back/forward cache): the texts may have moved.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) render();
});

function onReady() {
  prune();
  render();
}

// A module runs once the document is parsed (modules are deferred): no need to wait for it.
onReady();
