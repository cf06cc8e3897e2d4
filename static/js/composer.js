// The composer's keyboard and pointer conveniences on top of htmx. Everything here is optional:
// every action is also a plain form that works without JavaScript. No inline handlers (CSP):
// this file listens to DOM and htmx events instead.
(function () {
  "use strict";
  if (window.digestComposerLoaded) return;
  window.digestComposerLoaded = true;

  var INTERACTIVE = "a, button, input, textarea, select, summary, label, details, form, .entry-review";
  var refreshPending = false;

  // An entry's URLs: its list says where entries live (data-entry-base, for entry 0); cards
  // carry only their id ("entry-<pk>"), so that hundreds of them stay small.
  function entryUrl(card, suffix) {
    var list = card.closest("[data-entry-base]");
    var pk = card.id.replace("entry-", "");
    return list.getAttribute("data-entry-base").replace(/\/0\/$/, "/" + pk + "/") + (suffix || "");
  }
  window.digestEntryUrl = entryUrl;

  // A card's menu (its actions, review block and comments) and a section's forms to add
  // entries are fetched when they first open, in place of the link they hold (where a page
  // without JavaScript goes instead).
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.open) return;
    var link = details.querySelector(":scope > [data-menu-link]");
    if (!link || !window.htmx) return;
    window.htmx.ajax("GET", link.getAttribute("href"), { source: details, target: link, swap: "outerHTML" });
  }, true);

  function composerRoot() {
    return document.querySelector("[data-composer]");
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

  // --- the live poll never undoes the editor's own change ------------------------------------
  // A poll answered before, or while, one of the editor's own changes ran may carry the
  // sections as they were before that change: swapped in, it would hide the change (or show an
  // appended card twice) until the next poll. So a poll's answer is swapped only when no change
  // of the page's (a request other than GET, or the sections list drawn afresh) was sent after
  // the poll left and none is still running; the next poll, 4 s later, brings what it missed.
  // Reads do not count: the preview reloads on every answer that changed the issue, the poll's
  // own included, before that answer is swapped.
  var ownChanges = 0;
  var ownChangesRunning = 0;

  function changesSections(detail) {
    var elt = detail.elt;
    if (elt.id === "presence") return false; // "I am here" changes no entry
    return String(detail.requestConfig.verb).toLowerCase() !== "get" || elt.id === "composer-sections";
  }

  document.addEventListener("htmx:beforeSend", function (event) {
    var detail = event.detail;
    var xhr = detail.xhr;
    if (!detail.elt || !xhr || !detail.requestConfig) return;
    if (detail.elt.id === "composer-live") {
      xhr.digestOwnChanges = ownChangesRunning ? -1 : ownChanges;
      return;
    }
    if (!changesSections(detail)) return;
    ownChanges += 1;
    ownChangesRunning += 1;
    // loadend follows every end (answer, error, abort, timeout), after htmx's own handling.
    xhr.addEventListener("loadend", function () { ownChangesRunning -= 1; });
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    // htmx fires beforeSwap on the target (detail.elt is the target then): the element that
    // asked is the request's.
    var detail = event.detail;
    var asker = detail.requestConfig && detail.requestConfig.elt;
    if (!asker || asker.id !== "composer-live" || !detail.xhr) return;
    if (ownChangesRunning || detail.xhr.digestOwnChanges !== ownChanges) detail.shouldSwap = false;
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
    if (refreshPending) refreshSections();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var config = event.detail.requestConfig;
    var dragged = config && config.headers && config.headers["X-Composer-Drag"];
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    // A refused drag leaves the list in the dragged order: read it back from the server.
    if (dragged && (!event.detail.successful || status >= 400)) refreshSections(true);
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

  function showNotice(text) {
    var notice = document.getElementById("composer-notice") || document.getElementById("live-region");
    if (!notice) return;
    notice.textContent = "";
    var paragraph = document.createElement("p");
    paragraph.className = "composer-notice composer-notice--error";
    paragraph.setAttribute("role", "alert");
    paragraph.textContent = text;
    notice.appendChild(paragraph);
  }

  // --- reload the sections list when someone else's action changed the issue --------------

  function hasUnsavedWork(list) {
    return !!list.querySelector(
      "form[data-dirty], .composer-entry--editing, .composer-entry--conflict"
    );
  }

  function refreshSections(force) {
    var list = document.getElementById("composer-sections");
    if (!list || !window.htmx) { refreshPending = false; return; }
    if (!force && hasUnsavedWork(list)) { refreshPending = true; return; }
    refreshPending = false;
    window.htmx.trigger(list, "refresh-sections");
  }

  document.addEventListener("issue-changed", function (event) {
    var detail = event.detail || {};
    // Our own answers carry the new fragment; a live update has just merged the list.
    if (detail.source === "composer" || detail.source === "live") return;
    // A review block (approve, request changes, comment) replaces itself: reloading the whole
    // list as well would only race with the editor's next click.
    if (event.target.closest && event.target.closest(".entry-review")) return;
    refreshSections(false);
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
    if (form && form.closest("#composer-sections")) form.setAttribute("data-dirty", "");
  });

  document.addEventListener("submit", function (event) {
    event.target.removeAttribute("data-dirty");
  }, true);

  // --- entries: click a card to edit it, Ctrl/Cmd+Enter saves, Escape cancels --------------

  document.addEventListener("click", function (event) {
    var card = event.target.closest("[data-sortable] > li.composer-entry");
    if (!card || event.target.closest(INTERACTIVE)) return;
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
    var slot = target.closest(".composer-entry__confirm, .composer-section__confirm");
    if (slot && slot.closest("[data-composer]:not(.composer--single)")) {
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

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.id !== "composer-live") return;
    // Not while a card is held: the list must not change under the pointer.
    if (document.querySelector(".sortable-fallback, .composer-entry--chosen")) event.preventDefault();
  });

  // A closing tab says so at once, so colleagues stop seeing this editor.
  window.addEventListener("pagehide", function () {
    var presence = document.getElementById("presence");
    var url = presence && presence.getAttribute("data-leave-url");
    if (!url || !navigator.sendBeacon) return;
    var headers = {};
    try { headers = JSON.parse(document.body.getAttribute("data-hx-headers") || "{}"); } catch (error) { headers = {}; }
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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onReady);
  } else {
    onReady();
  }
})();
