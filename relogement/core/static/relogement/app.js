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
