// Every editorial page: a notice's Dismiss button (a refusal in the page's notice or its live
// region, an undo offer) empties the notice it is in and keeps the keyboard focus in the page.
// Loaded on every page of a logged-in user, since a refusal can reach any of them (views/htmx.py).

import { NOTICES } from "./lib/notice.js";

document.addEventListener("click", function (event) {
  var close = event.target.closest("[data-notice-close]");
  if (!close) return;
  var notice = close.closest(NOTICES);
  if (notice) notice.textContent = "";
  var main = document.getElementById("main");
  if (main && document.activeElement === document.body) main.focus({ preventScroll: true });
});
