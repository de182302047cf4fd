// "Select all" for a list of GOV.UK checkboxes tied to a form (the dashboard's action list).
// Progressive enhancement: without JavaScript each row is ticked on its own; with it, a GOV.UK
// checkbox above the list ticks or clears every row, and shows when only some are ticked.
(function () {
  document.querySelectorAll("[data-select-all]").forEach(function (slot) {
    var form = slot.getAttribute("data-select-all");
    var rows = Array.prototype.slice.call(document.querySelectorAll('input.app-select[form="' + form + '"]'));
    if (!rows.length) return;
    var id = "select-all-" + form;
    slot.innerHTML =
      '<div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item">' +
      '<input class="govuk-checkboxes__input" type="checkbox" id="' + id + '">' +
      '<label class="govuk-label govuk-checkboxes__label" for="' + id + '"></label></div></div>';
    slot.querySelector("label").textContent = "Select all " + rows.length + " shown";
    var all = slot.querySelector("input");
    function update() {
      var ticked = rows.filter(function (row) { return row.checked; }).length;
      all.checked = ticked === rows.length;
      all.indeterminate = ticked > 0 && ticked < rows.length;
    }
    all.addEventListener("change", function () {
      rows.forEach(function (row) { row.checked = all.checked; });
      update();
    });
    rows.forEach(function (row) { row.addEventListener("change", update); });
    update();
    slot.hidden = false;
  });
})();
