// The preview's tabs (reader view, markdown, WeChat) as the WAI-ARIA tabs pattern: arrow keys,
// Home and End move between tabs, only the selected tab is in the Tab order. Without
// JavaScript the tab list stays hidden and both panels show, each under its own heading.

function tabsOf(list) {
  return Array.prototype.slice.call(list.querySelectorAll("[role=tab]"));
}

function applyTabs(list) {
  // The composer fetches the panels after the page: the tabs show once they are there.
  var first = tabsOf(list)[0];
  if (first && !document.getElementById(first.getAttribute("aria-controls"))) return;
  list.hidden = false;
  tabsOf(list).forEach(function (tab) {
    var selected = tab.getAttribute("aria-selected") === "true";
    tab.tabIndex = selected ? 0 : -1;
    var panel = document.getElementById(tab.getAttribute("aria-controls"));
    if (!panel) return;
    panel.hidden = !selected;
    var title = panel.querySelector("[data-tab-title]");
    if (title) title.hidden = true;
  });
}

function selectTab(list, tab) {
  tabsOf(list).forEach(function (other) {
    other.setAttribute("aria-selected", other === tab ? "true" : "false");
  });
  applyTabs(list);
  tab.focus();
}

function applyAllTabs() {
  document.querySelectorAll("[data-tabs]").forEach(applyTabs);
}

document.addEventListener("click", function (event) {
  var tab = event.target.closest("[data-tabs] [role=tab]");
  if (tab) selectTab(tab.closest("[data-tabs]"), tab);
});

document.addEventListener("keydown", function (event) {
  var tab = event.target.closest && event.target.closest("[data-tabs] [role=tab]");
  if (!tab) return;
  var list = tab.closest("[data-tabs]");
  var tabs = tabsOf(list);
  var index = tabs.indexOf(tab);
  var next = null;
  if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
  else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
  else if (event.key === "Home") next = tabs[0];
  else if (event.key === "End") next = tabs[tabs.length - 1];
  if (next) {
    event.preventDefault();
    selectTab(list, next);
  }
});

// The panels are replaced when the issue changes: keep the chosen tab.
document.addEventListener("htmx:afterSettle", applyAllTabs);

// A module runs once the document is parsed (modules are deferred): no need to wait for it.
applyAllTabs();
