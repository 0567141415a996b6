// "Imprimer" buttons (data-print): the browser's print dialog; print.css keeps the page's content only.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});
