// The inbox page asks about all its cards still being fetched in one request (views/items.py
// inbox_changes), instead of one request per card: each such card carries its PK:STAMP in a
// hidden input ([data-inbox-pending]), #inbox-live posts them all (hx-include; a POST, as
// hundreds do not fit in a URL), and the answer is 204 when nothing changed, else the changed
// cards, swapped in out of band.
//
// The first question comes FIRST_DELAY after the page (or a change) appeared; while nothing
// changes the wait doubles up to LONGEST_DELAY, and after GIVE_UP_AFTER without a change the
// page stops asking and says so, with a button to ask again. New cards still being fetched (a
// paste, Fetch again) start it over. One request at a time: the next wait starts once the
// answer is in, so a slow server is never asked twice at once. #inbox-live's data-poll says
// what the poll is doing ("waiting", "asking", "stopped", "idle": nothing to ask about).
//
// Without JavaScript the page shows each card as it was when loaded; a reload shows it now.

var FIRST_DELAY = 2000; // ms
var LONGEST_DELAY = 30000; // ms
var GIVE_UP_AFTER = 120000; // ms without any change

var delay = FIRST_DELAY;
var lastChange = Date.now();
var timer = null;
var asking = false;
var known = pendingIds();

function live() {
  return document.getElementById("inbox-live");
}

function stoppedNote() {
  return document.getElementById("inbox-live-stopped");
}

function pendingIds() {
  var ids = new Set();
  document.querySelectorAll("[data-inbox-pending]").forEach(function (input) {
    ids.add(input.value.split(":")[0]);
  });
  return ids;
}

function say(state) {
  var element = live();
  if (element) element.setAttribute("data-poll", state);
  var note = stoppedNote();
  if (note) note.hidden = state !== "stopped";
}

function schedule() {
  clearTimeout(timer);
  timer = null;
  if (!live()) return; // the page was replaced, or is being closed
  if (pendingIds().size === 0) {
    say("idle");
    return;
  }
  if (Date.now() - lastChange >= GIVE_UP_AFTER) {
    say("stopped");
    return;
  }
  say("waiting");
  timer = setTimeout(ask, delay);
}

function ask() {
  timer = null;
  var element = live();
  if (!element || pendingIds().size === 0) {
    schedule();
    return;
  }
  asking = true;
  say("asking");
  var changed = false;
  function answered(event) {
    // 204: nothing changed; 200: the changed cards. A refusal (the session ended: session.js
    // holds the page) counts as no change, so the page keeps backing off.
    changed = event.detail.xhr.status === 200;
  }
  element.addEventListener("htmx:afterRequest", answered);
  function done() {
    element.removeEventListener("htmx:afterRequest", answered);
    asking = false;
    if (changed) {
      delay = FIRST_DELAY;
      lastChange = Date.now();
    } else {
      delay = Math.min(delay * 2, LONGEST_DELAY);
    }
    known = pendingIds();
    schedule();
  }
  // The promise settles once the answer is swapped in, or at once when nothing was sent (a
  // session held by session.js).
  window.htmx
    .ajax("POST", element.getAttribute("data-changes-url"), { source: element, swap: "none" })
    .then(done, done);
}

function startOver() {
  delay = FIRST_DELAY;
  lastChange = Date.now();
  known = pendingIds();
  if (!asking) schedule();
}

// Cards that came in still being fetched (a save, a paste, Fetch again): ask about them soon.
document.addEventListener("htmx:afterSettle", function () {
  if (asking) return; // the poll's own answer: done() reads the cards then
  var now = pendingIds();
  for (var id of now) {
    if (!known.has(id)) {
      startOver();
      return;
    }
  }
  known = now;
});

document.addEventListener("click", function (event) {
  if (!event.target.closest || !event.target.closest("[data-inbox-check-again]")) return;
  // The button hides with its note: the focus goes to the cards being checked, not to the
  // page's start.
  var list = document.getElementById("inbox-list");
  if (list) list.focus({ preventScroll: true });
  delay = FIRST_DELAY;
  lastChange = Date.now();
  if (!asking) ask();
});

// A module runs once the document is parsed (modules are deferred): no need to wait for it.
schedule();
