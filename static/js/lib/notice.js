// The page's notices: the composer's and the inbox's notice areas, and the live region of
// every logged-in page (_base.html), where refusals and reports of what happened are shown.

export const NOTICES = "#composer-notice, #inbox-notice, #live-region";

// Shows a failure the server did not describe (no answer, or an unexpected one) as an alert in
// the page's notice, in place of what it showed.
export function showNotice(text) {
  const notice = document.getElementById("composer-notice") || document.getElementById("live-region");
  if (!notice) return;
  notice.textContent = "";
  const paragraph = document.createElement("p");
  paragraph.className = "composer-notice composer-notice--error";
  paragraph.setAttribute("role", "alert");
  paragraph.textContent = text;
  notice.appendChild(paragraph);
}
