// The application form: offer only the bodies approved for the chosen category.
(function () {
  "use strict";
  document.querySelectorAll("select[data-filter-by]").forEach(function (select) {
    var by = document.getElementById(select.getAttribute("data-filter-by"));
    if (!by) return;
    var note = document.createElement("small");
    note.className = "muted";
    note.setAttribute("aria-live", "polite");
    select.insertAdjacentElement("afterend", note);
    function apply() {
      var chosen = by.value, offered = 0;
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var fits = !chosen || (" " + (option.getAttribute("data-categories") || "") + " ").indexOf(" " + chosen + " ") >= 0;
        option.hidden = !fits;
        option.disabled = !fits;
        if (fits) offered += 1;
        if (!fits && option.selected) select.value = "";
      });
      note.textContent = chosen ? (select.getAttribute("data-offered") || "").replace("%(count)s", offered) : "";
    }
    by.addEventListener("change", apply);
    apply();
  });
})();
