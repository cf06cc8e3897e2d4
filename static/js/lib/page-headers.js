// The headers htmx adds to every request of a logged-in page: data-hx-headers on <body>
// (_base.html), which carries the CSRF token.

export function pageHeaders() {
  try {
    return JSON.parse(document.body.getAttribute("data-hx-headers") || "{}");
  } catch (error) {
    return {}; // never expected; a page without the token then answers 403 and says so
  }
}

export function setPageHeaders(headers) {
  document.body.setAttribute("data-hx-headers", JSON.stringify(headers));
}
