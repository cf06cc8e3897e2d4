// The entry form's "draft a summary": the server's draft arrives in a <template> next to the
// button; it goes into the summary field for the editor to read and change. Nothing is saved.

document.addEventListener("htmx:afterSwap", function (event) {
  var holder = event.detail.target;
  var draft = holder && holder.querySelector && holder.querySelector("template[data-draft-text]");
  if (!draft) return;
  var field = document.getElementById(draft.getAttribute("data-for"));
  if (field) {
    field.value = draft.content.textContent;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  }
  draft.remove();
});
