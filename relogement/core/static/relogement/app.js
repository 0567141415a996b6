// Behaviour hooked on data-* attributes (no inline script: the CSP forbids it).
document.addEventListener("change", function (event) {
  const target = event.target;
  if (target.matches("[data-autosubmit]")) {
    target.form.requestSubmit();
  }
  if (target.matches("[data-check-all]")) {
    document.querySelectorAll(target.dataset.checkAll).forEach(function (box) {
      box.checked = target.checked;
    });
  }
});
document.addEventListener("click", function (event) {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
  }
});
// Long selects (data-searchable): a search box before the select hides the options that do not
// contain the typed text (accents and case ignored); selected options always stay visible.
function relogementFold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}
function relogementSearchable(root) {
  root.querySelectorAll("select[data-searchable]:not([data-searchable-ready])").forEach(function (select) {
    select.setAttribute("data-searchable-ready", "1");
    const label = select.labels && select.labels[0] ? select.labels[0].textContent.trim() : "la liste";
    const box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = "Rechercher…";
    box.setAttribute("aria-label", "Rechercher dans : " + label);
    box.setAttribute("aria-controls", select.id);
    box.setAttribute("data-filter-select", select.id);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      const needle = relogementFold(box.value.trim());
      Array.from(select.options).forEach(function (option) {
        option.hidden = Boolean(needle) && !option.selected && option.value !== "" &&
          !relogementFold(option.textContent).includes(needle);
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { relogementSearchable(document); });
document.addEventListener("htmx:afterSwap", function (event) { relogementSearchable(event.target); });
