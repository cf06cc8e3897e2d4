// Every logged-in page: a session that ends, or a CSRF token that changes, while the page is open
// never costs the person their page or what they typed (views/accounts.py tells the flow).
//
// The server refuses such a request with the header X-Digest-Session ("signed-out": 401,
// "stale-token": 403) and changes nothing. This file then keeps the page as it is, shows the
// notice of _session_notice.html, holds every request of the page (polls included) while the
// session is gone, and offers to sign in again in another window. When the person is back
// (that window says so, or this page gets the focus again), the page reads its new token from
// the server, puts it where its requests take it from, and the next press sends.

import { pageHeaders, setPageHeaders } from "./lib/page-headers.js";

var HEADER = "X-Digest-Session";
var CHANNEL = "digest-session";
var held = false; // the session is gone (or another person's): nothing is sent
var checking = false;

function notice() {
  return document.getElementById("session-notice");
}

function say(kind, options) {
  var box = notice();
  if (!box) return;
  var text = box.querySelector("[data-session-text]");
  text.textContent = box.getAttribute("data-" + kind) || "";
  box.querySelector("[data-session-sign-in]").hidden = kind === "renewed";
  box.querySelector("[data-session-close]").hidden = kind !== "renewed";
  box.hidden = false;
  if (options && options.focus) {
    var link = box.querySelector("[data-session-sign-in]:not([hidden]), [data-session-close]");
    if (link) link.focus({ preventScroll: true });
  }
}

function quiet() {
  var box = notice();
  if (box) box.hidden = true;
}

// The token every request of the page carries: htmx's header (hx-headers on <body>) and the
// hidden field of every form (Django reads the field first when both are sent).
function useToken(token) {
  var headers = pageHeaders();
  headers["X-CSRFToken"] = token;
  setPageHeaders(headers);
  document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (field) {
    field.value = token;
  });
}

// Who the browser is signed in as now (views/accounts.py session_state): the same person
// carries on with the new token; nobody, or someone else, keeps the page held.
function check(reason) {
  var box = notice();
  if (checking || !box) return;
  checking = true;
  var request = new XMLHttpRequest();
  request.open("GET", box.getAttribute("data-state-url"));
  request.setRequestHeader("Accept", "application/json");
  request.onload = function () {
    checking = false;
    var state = null;
    try {
      state = JSON.parse(request.responseText);
    } catch (error) {
      state = null;
    }
    if (!state || request.status !== 200) return; // the server will be asked again
    if (state.signed_in && state.username === box.getAttribute("data-username")) {
      useToken(state.csrf_token);
      var wasHeld = held || reason === "stale-token";
      held = false;
      if (wasHeld) say("renewed", { focus: false });
    } else {
      held = true;
      say(state.signed_in ? "other-user" : reason === "stale-token" ? "stale-token" : "signed-out");
    }
  };
  request.onerror = function () {
    checking = false;
  };
  request.send();
}

function refused(reason) {
  held = true;
  // A stale token may only mean "signed in again elsewhere": then the page carries on at once.
  if (reason === "stale-token") {
    check(reason);
  } else {
    say("signed-out", { focus: false });
    check(reason);
  }
}

// Each request's answer is read from the request itself: the element that sent it may have
// been redrawn meanwhile, and then htmx's events for it no longer reach the document.
document.addEventListener("htmx:beforeSend", function (event) {
  var xhr = event.detail.xhr;
  if (!xhr) return;
  xhr.addEventListener("load", function () {
    var reason = xhr.getResponseHeader(HEADER);
    if (reason) refused(reason);
  });
});

// The notice says it, once, with the way back: the refusal's text is not swapped in as well.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr && xhr.getResponseHeader(HEADER)) event.detail.shouldSwap = false;
});

// With DEBUG, django-htmx replaces the whole page with any 400, 403 or 404 answer, to show
// Django's error page. A refusal (views/htmx.py: retargeted to the live region) is an answer
// meant for the page: stop it from reaching that handler (capture on the document comes first).
document.addEventListener(
  "htmx:beforeOnLoad",
  function (event) {
    var xhr = event.detail.xhr;
    if (xhr && (xhr.getResponseHeader("HX-Retarget") || xhr.getResponseHeader(HEADER))) {
      event.stopPropagation();
    }
  },
  true
);

// While held nothing is sent: a poll waits, a pressed button shows the notice again. The
// server is asked whether the person is back meanwhile.
document.addEventListener("htmx:beforeRequest", function (event) {
  if (!held) return;
  event.preventDefault();
  var verb = event.detail.requestConfig && String(event.detail.requestConfig.verb).toLowerCase();
  var background =
    event.detail.elt && event.detail.elt.matches("[data-hx-trigger*='every'], #presence, #inbox-live");
  if (verb !== "get" && !background) {
    var box = notice();
    if (box) box.hidden = false;
    var link = box && box.querySelector("[data-session-sign-in]");
    if (link) link.focus({ preventScroll: true });
  }
  check("signed-out");
});

// Signing in again in a small window of its own keeps this page where it is.
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-session-sign-in]");
  if (!link) return;
  var opened = window.open(link.href, "digest-sign-in", "popup,width=520,height=680");
  if (opened) event.preventDefault(); // else the link opens a tab (target=_blank)
});

document.addEventListener("click", function (event) {
  if (event.target.closest("[data-session-close]")) quiet();
});

// Back from signing in: the other window says so, or this page gets the focus again.
if (window.BroadcastChannel) {
  var channel = new window.BroadcastChannel(CHANNEL);
  channel.onmessage = function () {
    if (held) check("signed-out");
  };
}
window.addEventListener("focus", function () {
  if (held) check("signed-out");
});
document.addEventListener("visibilitychange", function () {
  if (held && document.visibilityState === "visible") check("signed-out");
});

// The page where signing in again ends (registration/signed_in.html): tell the pages left
// open, and close this window when one of them opened it.
function onReady() {
  if (!document.querySelector("[data-signed-in]")) return;
  if (window.BroadcastChannel) new window.BroadcastChannel(CHANNEL).postMessage("signed-in");
  if (window.opener) window.close();
}

// A module runs once the document is parsed (modules are deferred): no need to wait for it.
onReady();
