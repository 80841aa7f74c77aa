/* Proximité, the designer: choices reordered by dragging a row (the ↑/↓ buttons do the same
   without a script). Each row's inputs are renamed in their new order (`<list>.<n>.<part>`);
   the hidden `orig` input says which stored choice each row was, so nothing else changes. */
(function () {
  "use strict";
  function renumber(body) {
    var rows = body.querySelectorAll("tr");
    rows.forEach(function (row, n) {
      row.querySelectorAll("input, button[name=row]").forEach(function (el) {
        if (el.name && el.name !== "row") {
          el.name = el.name.replace(/\.\d+\.(?=[^.]+$)/, "." + n + ".");
        } else if (el.name === "row") {
          el.value = el.value.replace(/:\d+$/, ":" + n);
          if (/:up:/.test(el.value)) { el.disabled = n === 0; }
          if (/:down:/.test(el.value)) { el.disabled = n === rows.length - 1; }
        }
      });
    });
  }
  document.querySelectorAll("table.choice-rows tbody").forEach(function (body) {
    var dragged = null;
    body.querySelectorAll("tr").forEach(function (row) {
      row.draggable = true;
      row.classList.add("draggable");
      row.addEventListener("dragstart", function (event) {
        dragged = row;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", "");
      });
      row.addEventListener("dragover", function (event) {
        if (dragged && dragged !== row) { event.preventDefault(); }
      });
      row.addEventListener("drop", function (event) {
        event.preventDefault();
        if (!dragged || dragged === row) { return; }
        var rows = Array.prototype.slice.call(body.querySelectorAll("tr"));
        var below = rows.indexOf(dragged) < rows.indexOf(row);
        body.insertBefore(dragged, below ? row.nextSibling : row);
        renumber(body);
        dragged = null;
      });
      row.addEventListener("dragend", function () { dragged = null; });
    });
  });
})();
