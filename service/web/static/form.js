/* The dataset form (service/web/templates/curator/form.html): a static file, as the CSP
   allows no inline script. */
/* "Add a distribution" without a round trip; without JS the button asks the server instead. */
document.getElementById("add-distribution").addEventListener("click", function (event) {
  var list = document.getElementById("dist-list");
  var rows = list.querySelectorAll("fieldset.distribution");
  if (!rows.length) { return; }
  event.preventDefault();
  var n = rows.length, copy = rows[n - 1].cloneNode(true);
  copy.id = "dist-" + n;
  copy.querySelector("legend").textContent = copy.querySelector("legend").textContent.replace(/\d+$/, n + 1);
  copy.querySelectorAll("[id],[name],[for],[aria-describedby]").forEach(function (el) {
    ["id", "name", "for", "aria-describedby"].forEach(function (a) {
      var v = el.getAttribute(a); if (v) { el.setAttribute(a, v.replace(/dist-\d+-/, "dist-" + n + "-")); }
    });
    if (el.tagName === "INPUT" && el.type !== "checkbox") { el.value = ""; }
    if (el.type === "checkbox") { el.checked = false; }
    if (el.tagName === "SELECT") { el.selectedIndex = 0; }
    el.removeAttribute("aria-invalid");
  });
  copy.querySelectorAll(".field-error,.field-warning").forEach(function (el) { el.remove(); });
  list.appendChild(copy);
  copy.querySelector("input[type=text]").focus();
});
/* The error summary takes the focus when the form comes back with errors. */
var summary = document.getElementById("summary");
if (summary) { summary.focus(); }
