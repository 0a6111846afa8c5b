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
