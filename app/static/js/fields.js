// After htmx swaps the comparison results, mark as invalid only the form field the error is about
// (the results say which in data-error-field; without JavaScript the server marks it on the full page).
document.addEventListener("htmx:afterSwap", function (event) {
  var results = event.detail.target;
  if (!results || results.id !== "results") return;
  var error = results.querySelector("[data-error-field]");
  var form = document.querySelector("form.compare");
  if (!form) return;
  form.querySelectorAll("[aria-invalid]").forEach(function (input) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
    input.closest(".field").classList.remove("invalid");
  });
  var input = error && document.getElementById("c-" + error.getAttribute("data-error-field"));
  if (input && form.contains(input)) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", error.id);
    input.closest(".field").classList.add("invalid");
  }
});

// On a phone, a search sent with the form's button or Enter folds the form back into its one-line summary
// (as the page does without JavaScript after a search), so the best offer is on the first screen.
var askSubmitted = false;
document.addEventListener("submit", function (event) {
  askSubmitted = event.target.matches && event.target.matches("form.compare");
}, true);
document.addEventListener("htmx:afterSwap", function (event) {
  var ask = document.querySelector("details.ask");
  if (!askSubmitted || !ask || event.detail.target.id !== "results") return;
  askSubmitted = false;
  // a refused search keeps the form open, its field in error in view
  if (!event.detail.target.querySelector("p.error") && window.matchMedia("(max-width: 37.5rem)").matches) {
    ask.open = false;
    ask.querySelector("summary").focus({preventScroll: true});
    window.scrollTo(0, 0);
  }
});

// After "show all offers", the keyboard goes on from the first offer that was not shown before (the link pressed
// is gone with the old results): its row is found by comparing the rows before and after the swap.
var rowsBefore = null;
document.addEventListener("click", function (event) {
  var more = event.target.closest && event.target.closest("p.more-offers a");
  rowsBefore = more ? Array.prototype.map.call(document.querySelectorAll("#results tr.offer"), function (row) {
    return row.innerHTML;
  }) : null;
}, true);
document.addEventListener("htmx:afterSwap", function (event) {
  if (!rowsBefore || event.detail.target.id !== "results") return;
  var rows = event.detail.target.querySelectorAll("tr.offer");
  for (var i = 0; i < rows.length; i++) {
    if (rows[i].innerHTML !== rowsBefore[i]) {
      var first = rows[i].querySelector("th a") || rows[i].querySelector("summary");
      if (first) first.focus({preventScroll: true});
      break;
    }
  }
  rowsBefore = null;
});
