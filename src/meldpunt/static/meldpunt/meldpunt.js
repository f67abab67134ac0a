// Move focus to the error summary after a failed submit, so screen readers announce it (WCAG 3.3.1).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("foutmeldingen");
  if (summary) { summary.focus(); }
});
