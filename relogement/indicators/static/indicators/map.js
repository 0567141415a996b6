// The map (indicators/map.html): the commune under the pointer or the keyboard focus is outlined and
// named on the map itself. Screen readers read each shape's aria-label; this overlay is for the eyes.
(function () {
  function init() {
    const svg = document.getElementById("carte-svg");
    if (!svg) return;
    const highlight = document.getElementById("carte-survol");
    const label = document.getElementById("carte-etiquette");
    const info = document.getElementById("carte-info");
    const box = svg.viewBox.baseVal;
    const defaultInfo = info ? info.textContent : "";

    function show(shape) {
      highlight.setAttribute("href", "#" + shape.id);
      highlight.setAttribute("visibility", "visible");
      const text = shape.dataset.label;
      label.textContent = text;
      const x = parseFloat(shape.dataset.cx);
      const y = parseFloat(shape.dataset.cy) - 8;
      const half = Math.min(label.getComputedTextLength() / 2 + 4, box.width / 2);
      label.setAttribute("x", Math.max(half, Math.min(box.width - half, x)));
      label.setAttribute("y", Math.max(12, y));
      if (info) info.textContent = text;
    }

    function hide() {
      highlight.setAttribute("visibility", "hidden");
      highlight.removeAttribute("href");
      label.textContent = "";
      if (info) info.textContent = defaultInfo;
    }

    svg.addEventListener("focusin", function (event) {
      if (event.target.matches(".commune")) show(event.target);
    });
    svg.addEventListener("focusout", hide);
    svg.addEventListener("mouseover", function (event) {
      if (event.target.matches(".commune")) show(event.target);
    });
    svg.addEventListener("mouseleave", function () {
      const focused = document.activeElement;
      if (focused && focused.matches && focused.matches(".commune")) show(focused);
      else hide();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
